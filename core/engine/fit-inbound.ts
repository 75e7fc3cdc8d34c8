import { createHash } from 'node:crypto';
import { MAX_TEXT_LENGTH, type InboundMessageInput } from '../domain/index.js';

/** The longest provider message id stored as is; longer ones are stored as a hash. */
export const MAX_PROVIDER_ID_LENGTH = 256;

/** What `fitInbound` changed, for the log (never the text itself). */
export type InboundAdjustment =
  | { kind: 'text-clipped'; originalLength: number; keptLength: number }
  | { kind: 'id-hashed'; originalLength: number }
  | { kind: 'received-at-replaced'; given: string };

/** The line appended to a clipped text, so recruiters (and the bot) see it was cut. */
export function clipMarker(kept: number, originalLength: number): string {
  return `\n\n[message clipped: the first ${kept.toLocaleString('en')} of ${originalLength.toLocaleString('en')} characters are kept]`;
}

/**
 * Make an adapter's inbound message fit what the core stores, the same way for every channel,
 * instead of refusing it (a provider retries a refused delivery for days and loses the rest of
 * its batch):
 * - text over `MAX_TEXT_LENGTH` is clipped, ends with a marker, and `clipped` records the length;
 * - a provider id over `MAX_PROVIDER_ID_LENGTH` becomes `sha256:<hex>` of itself: stable, so a
 *   redelivery is still recognised as a duplicate;
 * - a missing or invalid `receivedAt` becomes `now` (receipt time).
 * Pure: time comes in as `now`. Anything else wrong is left for the schema to refuse.
 *
 * @example
 * fitInbound({ ...msg, text: 'x'.repeat(20_000) }, now).input.text.length // 16000
 */
export function fitInbound(input: InboundMessageInput, now: Date): { input: InboundMessageInput; adjustments: InboundAdjustment[] } {
  const adjustments: InboundAdjustment[] = [];
  const out: InboundMessageInput = { ...input };
  if (typeof out.text === 'string' && out.text.length > MAX_TEXT_LENGTH) {
    const originalLength = out.text.length;
    const text = clipText(out.text, originalLength);
    out.text = text.value;
    out.clipped = { originalLength };
    adjustments.push({ kind: 'text-clipped', originalLength, keptLength: text.kept });
  }
  if (typeof out.providerMessageId === 'string' && out.providerMessageId.length > MAX_PROVIDER_ID_LENGTH) {
    adjustments.push({ kind: 'id-hashed', originalLength: out.providerMessageId.length });
    out.providerMessageId = hashProviderId(out.providerMessageId);
  }
  if (!isValidDateInput(out.receivedAt)) {
    adjustments.push({ kind: 'received-at-replaced', given: String(out.receivedAt).slice(0, 40) });
    out.receivedAt = now;
  }
  return { input: out, adjustments };
}

/** `sha256:` and the hex digest: 71 characters, the same for the same id. */
export function hashProviderId(id: string): string {
  return `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

function clipText(text: string, originalLength: number): { value: string; kept: number } {
  // The marker's length depends on the number it prints; the kept count only shrinks, so one pass fits.
  let kept = MAX_TEXT_LENGTH - clipMarker(MAX_TEXT_LENGTH, originalLength).length;
  // Never cut a surrogate pair in half (an emoji at the boundary).
  const code = text.charCodeAt(kept - 1);
  if (code >= 0xd800 && code <= 0xdbff) kept -= 1;
  return { value: text.slice(0, kept) + clipMarker(kept, originalLength), kept };
}

function isValidDateInput(value: unknown): boolean {
  // Not `instanceof`: a Date made in another realm (structuredClone, a test sandbox) is still a Date.
  if (Object.prototype.toString.call(value) === '[object Date]') return Number.isFinite((value as Date).getTime());
  if (typeof value === 'string' || typeof value === 'number') return Number.isFinite(new Date(value).getTime());
  return false;
}
