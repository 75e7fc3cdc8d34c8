import { z } from 'zod';
import { ChannelIdSchema, ConversationRefSchema } from './channel.js';

export const MAX_TEXT_LENGTH = 16_000;

export const MediaRefSchema = z.object({
  /** Provider handle to fetch the media through the adapter (file id, media id, URL). */
  providerRef: z.string().min(1),
  mime: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  durationSec: z.number().nonnegative().optional(),
  /** Set once the media is stored locally. */
  storedPath: z.string().optional(),
  sha256: z.string().optional(),
  transcript: z
    .object({ text: z.string(), language: z.string().optional(), confidence: z.number().optional() })
    .optional(),
});
export type MediaRef = z.infer<typeof MediaRefSchema>;

export const InboundKindSchema = z.enum(['text', 'voice', 'media', 'command', 'system']);
export type InboundKind = z.infer<typeof InboundKindSchema>;

export const SenderSchema = z.object({
  /** Provider's id for the person (Telegram user id, E.164 phone, email address...). */
  id: z.string().min(1),
  displayName: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  locale: z.string().optional(),
  timeZone: z.string().optional(),
});
export type Sender = z.infer<typeof SenderSchema>;

/**
 * One message from a person, whatever the channel. Adapters produce it; the core never reads
 * a provider payload (`raw` is kept for debugging only).
 *
 * @example
 * InboundMessageSchema.parse({
 *   ref: { channel: 'webchat', externalId: 'sess-1' }, providerMessageId: 'c-1',
 *   sender: { id: 'sess-1' }, kind: 'text', text: 'hi', receivedAt: new Date(),
 * });
 */
export const InboundMessageSchema = z.object({
  ref: ConversationRefSchema,
  providerMessageId: z.string().min(1).max(256),
  sender: SenderSchema,
  kind: InboundKindSchema,
  text: z.string().max(MAX_TEXT_LENGTH).default(''),
  media: MediaRefSchema.optional(),
  /** Set when the message edits an earlier one (Telegram edited_message). */
  editOf: z.string().optional(),
  /** Set by the engine when the text was longer than `MAX_TEXT_LENGTH` and was clipped. */
  clipped: z.object({ originalLength: z.number().int().positive() }).optional(),
  receivedAt: z.coerce.date(),
  raw: z.unknown().optional(),
});
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type InboundMessageInput = z.input<typeof InboundMessageSchema>;

export const ChoiceSchema = z.object({ id: z.string().min(1).max(64), label: z.string().min(1).max(200) });
export type Choice = z.infer<typeof ChoiceSchema>;

/**
 * Messages the outbound policy lets through where it would otherwise stop them.
 * `opt-out-confirmation`: the one message an opted-out candidate still receives (also in human mode).
 */
/**
 * Why a message is sent, where someone treats it specially: the outbound policy lets the opt-out
 * confirmation through; channels show the takeover notices (who joined, who left) as notices.
 */
export const OutboundPurposeSchema = z.enum(['opt-out-confirmation', 'takeover-joined', 'takeover-left']);
export type OutboundPurpose = z.infer<typeof OutboundPurposeSchema>;

/** Why the outbound policy kept a message from the provider (stored on the `suppressed` row). */
export const SuppressionReasonSchema = z.enum(['opted-out', 'human-mode', 'unreachable']);
export type SuppressionReason = z.infer<typeof SuppressionReasonSchema>;

/**
 * A pipeline email (application received, interview scheduled, reminder, offer, ...): the email
 * channel renders the named template with `data` (the other channels send `text`), and attaches
 * `calendar` (an .ics) when present. Stored on the message, so a resend renders the same mail.
 */
export const EmailTemplateRefSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/).max(64),
  data: z.record(z.string(), z.unknown()).default({}),
  calendar: z.object({ method: z.enum(['REQUEST', 'CANCEL']), ics: z.string().max(20_000) }).optional(),
});
export type EmailTemplateRef = z.infer<typeof EmailTemplateRefSchema>;

/**
 * One message to a person. Adapters lower it to what the channel can show (choices become
 * numbered text where there are no buttons).
 */
export const OutboundMessageSchema = z.object({
  text: z.string().max(MAX_TEXT_LENGTH),
  choices: z.array(ChoiceSchema).max(20).optional(),
  media: z.object({ url: z.string(), mime: z.string().optional(), caption: z.string().optional() }).optional(),
  /** Pre-approved template for channels with a messaging window (WhatsApp). */
  template: z.object({ name: z.string(), variables: z.record(z.string(), z.string()).default({}) }).optional(),
  /** Why the message is sent, where the outbound policy treats it specially (see `OutboundPurposeSchema`). */
  purpose: OutboundPurposeSchema.optional(),
  /** The pipeline email this message is, on the email channel (see `EmailTemplateRefSchema`). */
  emailTemplate: EmailTemplateRefSchema.optional(),
});
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;

export const MessageAuthorSchema = z.enum(['candidate', 'bot', 'operator', 'system']);
export type MessageAuthor = z.infer<typeof MessageAuthorSchema>;

/**
 * Inbound: pending -> processed | failed. Outbound: queued -> sending -> sent -> delivered -> read,
 * or failed, or suppressed (the outbound policy stopped it; `suppressedReason` says why).
 * `sending` is written durably before the provider is called, so a row left `sending` by a
 * crash is one whose send may or may not have reached the provider; so is a row left `queued`
 * with `attempts` above 0 (its first attempt was counted in the commit that stored it, on a
 * channel that resends after a crash: it goes `queued` -> `sent` with no `sending` commit).
 */
export const MessageStatusSchema = z.enum([
  'pending',
  'processed',
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'suppressed',
]);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** A stored message, either direction. */
export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  channel: ChannelIdSchema,
  direction: z.enum(['in', 'out']),
  author: MessageAuthorSchema,
  authorId: z.string().optional(),
  kind: InboundKindSchema,
  text: z.string(),
  choices: z.array(ChoiceSchema).optional(),
  media: MediaRefSchema.optional(),
  providerMessageId: z.string().optional(),
  /** Inbound: the sender's language tag as the channel reported it (Telegram's `language_code`, the browser's language); a hint, not a choice. */
  locale: z.string().max(35).optional(),
  /** The candidate's text was clipped to `MAX_TEXT_LENGTH` (the text ends with a marker saying so). */
  clipped: z.object({ originalLength: z.number().int().positive() }).optional(),
  status: MessageStatusSchema,
  error: z.string().optional(),
  attempts: z.number().int().nonnegative().default(0),
  /** Outbound: see `OutboundPurposeSchema`. */
  purpose: OutboundPurposeSchema.optional(),
  /** Outbound: the pipeline email template the email channel renders (see `EmailTemplateRefSchema`). */
  emailTemplate: EmailTemplateRefSchema.optional(),
  /** Outbound, status `suppressed`: which policy rule stopped it. */
  suppressedReason: SuppressionReasonSchema.optional(),
  /** Outbound: when the last provider call started (written with status `sending`, before the call; or, for a first attempt reserved in the row's own commit, when the row was stored). */
  lastAttemptAt: z.coerce.date().optional(),
  /** Outbound split into parts by the channel's limits: how many parts the provider has acknowledged. */
  partsSent: z.number().int().nonnegative().optional(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type Message = z.infer<typeof MessageSchema>;
