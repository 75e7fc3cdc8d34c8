import type { ConversationRef, OutboundMessage } from '../domain/index.js';
import type { ChannelAdapter, ChannelCapabilities } from '../ports/index.js';

type Choice = NonNullable<OutboundMessage['choices']>[number];

/** The capabilities of one conversation: its provider's, where the channel has several. */
export function capabilitiesFor(adapter: Pick<ChannelAdapter, 'capabilities' | 'capabilitiesFor'>, ref: ConversationRef): ChannelCapabilities {
  return adapter.capabilitiesFor?.(ref) ?? adapter.capabilities;
}

/**
 * Fit a message to a channel, the one place this happens (adapters send what they are given):
 * - choices the channel cannot show as buttons or a list become numbered text;
 * - labels longer than a button or list row allows are cut with an ellipsis, and the full labels
 *   are added to the text as a numbered list, so nothing the candidate must read is lost;
 * - text longer than the channel allows is split at paragraph, sentence or word boundaries; text
 *   that carries choices is split so its last part fits the interactive body limit, and the
 *   choices ride on that last part.
 *
 * @example
 * lowerMessage({ text: 'Continue?', choices: [{ id: 'yes', label: 'Yes' }] }, { ...caps, buttons: false })
 * // [{ text: 'Continue?\n\n1. Yes' }]
 */
export function lowerMessage(message: OutboundMessage, caps: ChannelCapabilities): OutboundMessage[] {
  let msg = message;
  const choices = msg.choices ?? [];
  const fitsButtons = caps.buttons && choices.length <= caps.maxButtons;
  const fitsList = !fitsButtons && caps.lists && choices.length <= caps.maxListItems;
  if (choices.length > 0 && !fitsButtons && !fitsList) {
    msg = { ...msg, text: `${msg.text}\n\n${numbered(choices)}`, choices: undefined };
  } else if (choices.length > 0) {
    const max = fitsButtons ? caps.maxButtonLabelLength : caps.maxListItemLabelLength;
    if (max !== undefined && choices.some((c) => c.label.length > max)) {
      msg = { ...msg, text: `${msg.text}\n\n${numbered(choices)}`, choices: shortLabels(choices, max) };
    }
  }
  const interactive = (msg.choices?.length ?? 0) > 0;
  const lastMax = interactive ? Math.min(caps.maxInteractiveTextLength ?? caps.maxTextLength, caps.maxTextLength) : caps.maxTextLength;
  const parts = splitText(msg.text, caps.maxTextLength);
  parts.push(...splitText(parts.pop() ?? '', lastMax));
  if (parts.length <= 1) return [msg];
  // Buttons and media ride on the last part, so the question and its choices stay together.
  return parts.map((text, i) => (i === parts.length - 1 ? { ...msg, text } : { text }));
}

function numbered(choices: readonly Choice[]): string {
  return choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
}

/** Labels cut to `max` with an ellipsis; numbered when cutting would make two of them the same. */
function shortLabels(choices: readonly Choice[], max: number): Choice[] {
  const cut = choices.map((c) => ellipsis(c.label, max));
  if (new Set(cut).size === cut.length) return choices.map((c, i) => ({ ...c, label: cut[i]! }));
  return choices.map((c, i) => ({ ...c, label: ellipsis(`${i + 1}. ${c.label}`, max) }));
}

function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).replace(/[\s,;:.-]+$/, '')}…`;
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
