import { z } from 'zod';
import { defineSlice, type Conversation, type StateSlice } from '../../core/domain/index.js';
import { LANGUAGES, type Language } from './catalogue.js';

/**
 * `conversation.state.language`: the language the bot writes to this candidate in, and how it was
 * settled. Owner: bots/i18n (the language middleware) and `/language` in bots/commands.
 */
export const LanguageStateSchema = z.object({
  code: z.enum(LANGUAGES),
  /** `chosen` (by `/language` or a confirmation) is never overridden by detection. */
  source: z.enum(['default', 'hint', 'detected', 'chosen']),
  /** The candidate's first words, bounded: detection runs on more text than one message. */
  sample: z.string().max(400).default(''),
  /** Text messages seen while detecting (detection stops after `DETECT_MESSAGES`). */
  seen: z.number().int().nonnegative().default(0),
  /** A language the bot asked the candidate to confirm, with the one it kept meanwhile. */
  offered: z.object({ code: z.enum(LANGUAGES), instead: z.enum(LANGUAGES) }).optional(),
});
export type LanguageState = z.infer<typeof LanguageStateSchema>;

export const languageSlice: StateSlice<LanguageState> = defineSlice('language', LanguageStateSchema);

/** The language to write to this conversation's candidate in (English until one is settled). */
export function languageOf(conversation: Pick<Conversation, 'state'> & { id?: string }): Language {
  return languageSlice.read(conversation)?.code ?? 'en';
}
