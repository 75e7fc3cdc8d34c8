import { z } from 'zod';
import { ConversationRefSchema } from './channel.js';
import { StageSchema } from './candidate.js';

export const ConversationModeSchema = z.enum(['bot', 'human']);
export type ConversationMode = z.infer<typeof ConversationModeSchema>;

/**
 * One chat with one candidate on one channel. `state` is the bot's versioned snapshot
 * (intake step, interview session...), re-read every turn; `version` guards concurrent writes.
 */
export const ConversationSchema = z.object({
  id: z.string(),
  ref: ConversationRefSchema,
  candidateId: z.string(),
  mode: ConversationModeSchema,
  stage: StageSchema,
  assignedOperatorId: z.string().optional(),
  /** The holder's display name, recorded at takeover (what the candidate is told when they leave). */
  assignedOperatorName: z.string().optional(),
  needsHuman: z.boolean().default(false),
  state: z.record(z.string(), z.unknown()).default({}),
  version: z.number().int().nonnegative(),
  lastActivityAt: z.coerce.date(),
  lastCandidateMessageAt: z.coerce.date().optional(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type Conversation = z.infer<typeof ConversationSchema>;
