import { z } from 'zod';

/** Every channel Parley speaks. Providers (Twilio, Meta, Baileys) sit behind a channel. */
export const CHANNELS = ['webchat', 'telegram', 'whatsapp', 'email', 'teams'] as const;
export const ChannelIdSchema = z.enum(CHANNELS);
export type ChannelId = z.infer<typeof ChannelIdSchema>;

/**
 * Everything a proactive send needs: which channel, which chat on it and, for channels with
 * several providers, which provider. Jobs and operators carry this, never a raw phone number.
 *
 * @example
 * const ref: ConversationRef = { channel: 'telegram', externalId: '123456789' };
 */
export const ConversationRefSchema = z.object({
  channel: ChannelIdSchema,
  externalId: z.string().min(1).max(256),
  provider: z.string().max(64).optional(),
});
export type ConversationRef = z.infer<typeof ConversationRefSchema>;

/** Stable string key for a conversation reference (used for dedupe and indexing). */
export function refKey(ref: ConversationRef): string {
  return `${ref.channel}:${ref.externalId}`;
}
