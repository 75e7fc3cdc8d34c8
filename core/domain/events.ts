import { z } from 'zod';
import { ChannelIdSchema } from './channel.js';
import { StageSchema } from './candidate.js';

const base = {
  id: z.string(),
  at: z.coerce.date(),
  conversationId: z.string().optional(),
  candidateId: z.string().optional(),
  /** Who caused it: `system`, `bot`, `candidate`, or `operator:<id>`. */
  actor: z.string().default('system'),
};

/**
 * Every state change, as a union discriminated by `type`. Persisted as the audit trail and
 * pushed live to the operator console. Later issues add members here.
 */
export const DomainEventSchema = z.discriminatedUnion('type', [
  // receivedAt: the message's `createdAt` (absent on events recorded before it was carried).
  z.object({ ...base, type: z.literal('MessageReceived'), messageId: z.string(), channel: ChannelIdSchema, receivedAt: z.coerce.date().optional() }),
  z.object({ ...base, type: z.literal('MessageSent'), messageId: z.string(), channel: ChannelIdSchema }),
  z.object({ ...base, type: z.literal('MessageFailed'), messageId: z.string(), channel: ChannelIdSchema, error: z.string() }),
  z.object({ ...base, type: z.literal('MessageStatusChanged'), messageId: z.string(), status: z.string() }),
  // The outbound policy kept a message from the provider (opted out, human mode, unreachable).
  z.object({ ...base, type: z.literal('MessageSuppressed'), messageId: z.string(), channel: ChannelIdSchema, reason: z.string() }),
  z.object({ ...base, type: z.literal('ConversationStarted'), channel: ChannelIdSchema }),
  z.object({ ...base, type: z.literal('CandidateStateChanged'), from: StageSchema, to: StageSchema }),
  z.object({ ...base, type: z.literal('CandidateOptedOut') }),
  z.object({ ...base, type: z.literal('CandidateOptedIn') }),
  z.object({ ...base, type: z.literal('HumanRequested'), reason: z.string() }),
  z.object({ ...base, type: z.literal('OperatorTakeover'), operatorId: z.string() }),
  z.object({ ...base, type: z.literal('OperatorHandback'), operatorId: z.string(), summary: z.string().optional() }),
  z.object({
    ...base,
    type: z.literal('CandidateAtRisk'),
    score: z.number(),
    level: z.string(),
    factors: z.array(z.object({ name: z.string(), contribution: z.number() })),
    recommendedAction: z.string(),
  }),
  z.object({ ...base, type: z.literal('InterviewStarted'), role: z.string() }),
  z.object({ ...base, type: z.literal('InterviewCompleted'), overallScore: z.number(), recommendation: z.string() }),
  z.object({ ...base, type: z.literal('TurnFailed'), messageId: z.string(), error: z.string() }),
  z.object({ ...base, type: z.literal('InterviewAbandoned'), questionsAsked: z.number().int() }),
  z.object({ ...base, type: z.literal('InterviewScheduled'), scheduledAt: z.coerce.date(), link: z.string().optional(), timeZone: z.string().optional() }),
  z.object({ ...base, type: z.literal('InterviewCancelled'), reason: z.string().optional() }),
  z.object({ ...base, type: z.literal('ReminderSent'), kind: z.string(), messageId: z.string().optional() }),
  z.object({ ...base, type: z.literal('NudgeSent'), attempt: z.number().int(), messageId: z.string().optional() }),
  z.object({ ...base, type: z.literal('RiskAssessed'), score: z.number(), level: z.string(), factors: z.array(z.object({ name: z.string(), contribution: z.number() })) }),
  z.object({ ...base, type: z.literal('FeedbackReceived'), sentiment: z.number(), text: z.string() }),
  z.object({ ...base, type: z.literal('ErasureRequested') }),
  z.object({ ...base, type: z.literal('ErasureCompleted'), removed: z.record(z.string(), z.number()).default({}) }),
  z.object({ ...base, type: z.literal('CandidateUnreachable'), channel: ChannelIdSchema, reason: z.string() }),
  z.object({ ...base, type: z.literal('VoiceNoteTranscribed'), messageId: z.string(), durationSec: z.number().optional(), language: z.string().optional() }),
  z.object({ ...base, type: z.literal('TranscriptionFailed'), messageId: z.string(), error: z.string() }),
  /** Any operator action not covered above (notes, canned replies, settings): who did what. */
  z.object({ ...base, type: z.literal('OperatorAction'), operatorId: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ ...base, type: z.literal('RetentionCleanup'), removed: z.record(z.string(), z.number()).default({}) }),
  z.object({ ...base, type: z.literal('JobFailed'), job: z.string(), error: z.string(), attempts: z.number().int() }),
  z.object({ ...base, type: z.literal('RescheduleRequested'), preferredTimes: z.string() }),
  z.object({ ...base, type: z.literal('MessageSentAsTemplate'), messageId: z.string(), channel: ChannelIdSchema, template: z.string() }),
  z.object({ ...base, type: z.literal('NeedsHumanFlagged'), reason: z.string() }), // console: flagged for a recruiter (e.g. risk alert)
  z.object({ ...base, type: z.literal('ConversationUnassigned'), operatorId: z.string(), reason: z.string() }), // console: hold lapsed, stays in human mode
  // Add new event types above this line (one line each keeps parallel edits apart).
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
export type DomainEventType = DomainEvent['type'];
/** The fields a caller supplies; id and at are filled in when the event is recorded. */
export type NewDomainEvent = DistributiveOmit<DomainEvent, 'id' | 'at' | 'actor'> & { actor?: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
