import type { OutboundMessage } from '../../../core/domain/index.js';

/** The approved template used outside the 24-hour window, with the text as its one variable. */
export interface TemplateConfig {
  /** Meta: template name; Twilio: Content SID (HX...). */
  id: string;
  language: string;
}

/**
 * Template variables for a free-form message: WhatsApp template parameters cannot contain
 * newlines or more than four consecutive spaces, and are capped in length.
 */
export function templateText(message: OutboundMessage, max = 1000): string {
  const flat = message.text.replace(/\s*\n+\s*/g, ' / ').replace(/ {4,}/g, '   ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
