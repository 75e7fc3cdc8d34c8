import type { OutboundMessage } from '../domain/index.js';
import type { ChannelCapabilities } from '../ports/index.js';

/**
 * Fit a message to a channel: choices the channel cannot show as buttons become numbered text,
 * and text longer than the channel allows is split at paragraph, sentence or word boundaries.
 *
 * @example
 * lowerMessage({ text: 'Continue?', choices: [{ id: 'yes', label: 'Yes' }] }, { ...caps, buttons: false })
 * // [{ text: 'Continue?\n\n1. Yes' }]
 */
export function lowerMessage(message: OutboundMessage, caps: ChannelCapabilities): OutboundMessage[] {
  let msg = message;
  const choices = msg.choices ?? [];
  const fitsButtons = caps.buttons && choices.length <= caps.maxButtons;
  const fitsList = caps.lists && choices.length <= caps.maxListItems;
  if (choices.length > 0 && !fitsButtons && !fitsList) {
    const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    msg = { ...msg, text: `${msg.text}\n\n${numbered}`, choices: undefined };
  }
  const parts = splitText(msg.text, caps.maxTextLength);
  if (parts.length <= 1) return [msg];
  // Buttons and media ride on the last part, so the question and its choices stay together.
  return parts.map((text, i) => (i === parts.length - 1 ? { ...msg, text } : { text }));
}

/** Split text into chunks of at most `max` characters, preferring natural boundaries. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = lastBoundary(window, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

function lastBoundary(window: string, max: number): number {
  const minUseful = Math.floor(max / 2);
  for (const sep of ['\n\n', '\n', '. ', ' ']) {
    const idx = window.lastIndexOf(sep);
    if (idx >= minUseful) return idx + sep.length;
  }
  return max;
}
