import { describe, expect, it } from '@jest/globals';
import { InboundMessageSchema, MAX_TEXT_LENGTH, type InboundMessageInput } from '../domain/index.js';
import { fitInbound } from './fit-inbound.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const base: InboundMessageInput = { ref: { channel: 'whatsapp', externalId: '+4915112345678' }, providerMessageId: 'wamid.1', sender: { id: '+4915112345678' }, kind: 'text', text: 'hi', receivedAt: new Date('2026-03-01T09:59:00.000Z') };

describe('fitInbound', () => {
  it('leaves a message that fits untouched', () => {
    expect(fitInbound(base, NOW)).toEqual({ input: base, adjustments: [] });
  });

  it.each([
    ['one character over', MAX_TEXT_LENGTH + 1],
    ['a pasted CV', 20_000],
    ['a megabyte', 1_000_000],
  ])('clips %s to exactly the cap, ending with a marker, and records the original length', (_what, length) => {
    const { input, adjustments } = fitInbound({ ...base, text: 'a'.repeat(length) }, NOW);
    expect(input.text).toHaveLength(MAX_TEXT_LENGTH);
    expect(input.text).toMatch(new RegExp(`\\[message clipped: the first 15,9\\d\\d of ${length.toLocaleString('en')} characters are kept\\]$`));
    expect(input.clipped).toEqual({ originalLength: length });
    expect(adjustments).toEqual([{ kind: 'text-clipped', originalLength: length, keptLength: expect.any(Number) }]);
    expect(InboundMessageSchema.safeParse(input).success).toBe(true);
  });

  it('keeps text of exactly the cap as it is', () => {
    const text = 'a'.repeat(MAX_TEXT_LENGTH);
    expect(fitInbound({ ...base, text }, NOW).input.text).toBe(text);
  });

  it('never cuts an emoji in half at the boundary', () => {
    // 20,000 code units: the cut falls right after an emoji's first half.
    const text = fitInbound({ ...base, text: '😀'.repeat(10_000) }, NOW).input.text ?? '';
    const kept = text.slice(0, text.indexOf('\n\n[message clipped'));
    expect(kept).toBe('😀'.repeat(Math.ceil(kept.length / 2)));
  });

  it('hashes an id over 256 characters to the same value every time, and keeps shorter ones', () => {
    const long = `wamid.${'A'.repeat(300)}`;
    const a = fitInbound({ ...base, providerMessageId: long }, NOW).input.providerMessageId;
    const b = fitInbound({ ...base, providerMessageId: long }, NOW).input.providerMessageId;
    const other = fitInbound({ ...base, providerMessageId: `${long}B` }, NOW).input.providerMessageId;
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(fitInbound({ ...base, providerMessageId: 'x'.repeat(256) }, NOW).input.providerMessageId).toBe('x'.repeat(256));
  });

  it.each([
    ['an Invalid Date', new Date(Number.NaN)],
    ['a non-numeric string', 'not-a-number'],
    ['a number past what a Date holds', 9e18],
    ['nothing', undefined],
  ])('replaces %s as the received time with now', (_what, receivedAt) => {
    const { input, adjustments } = fitInbound({ ...base, receivedAt } as InboundMessageInput, NOW);
    expect(input.receivedAt).toBe(NOW);
    expect(adjustments.map((a) => a.kind)).toEqual(['received-at-replaced']);
  });
});
