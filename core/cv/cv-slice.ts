import { z } from 'zod';
import { defineSlice, type StateSlice } from '../domain/index.js';

/** What Parley read from a candidate's latest CV (the file itself stays on the message that carried it). */
export const CvProfileSchema = z.object({
  /** The message that carried the file (its media holds the stored path, erased with it). */
  messageId: z.string(),
  format: z.enum(['pdf', 'docx']),
  /** Skills found, as the lexicon names them ("Python", "Docker"), in order of first mention. */
  skills: z.array(z.string()),
  /** Years of experience read from the CV ("6 years of experience", or the span of its job dates). */
  years: z.number().nonnegative().optional(),
  /** The role the skills suggest (role id), when one stands out. */
  suggestedRole: z.string().optional(),
  /** Characters of text extracted (0: a scanned CV with no text layer). */
  textLength: z.number().int().nonnegative(),
  readAt: z.string(),
  /** Feedback for a role: what the candidate was told (by `/cv`), so the recruiter sees the same. */
  feedback: z
    .object({
      role: z.string(),
      roleTitle: z.string(),
      /** The role's bank skills the CV shows, and those it does not mention. */
      shows: z.array(z.string()),
      lacks: z.array(z.string()),
      /** The LLM's written feedback, when a key is set and it answered. */
      written: z.string().optional(),
      at: z.string(),
    })
    .optional(),
});
export type CvProfile = z.infer<typeof CvProfileSchema>;

/** `conversation.state.cv`: the candidate's CV as read. Owner: bots/cv. Readers: the console. */
export const cvSlice: StateSlice<CvProfile> = defineSlice('cv', CvProfileSchema);
