import { z } from 'zod';

/**
 * Funnel stages, in order. `intake` covers consent, name and role; `screening` waits for the
 * interview; `assessed` has an assessment; `withdrawn` is an opt-out or "not interested".
 */
export const STAGES = ['new', 'intake', 'screening', 'interviewing', 'assessed', 'scheduled', 'hired', 'rejected', 'withdrawn'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** How each stage reads to a candidate or recruiter. */
export const STAGE_LABELS: Record<Stage, string> = {
  new: 'just started',
  intake: 'getting to know you (consent, name and role)',
  screening: 'screening: waiting for the technical interview',
  interviewing: 'technical interview in progress',
  assessed: 'interview finished, assessment with the recruiters',
  scheduled: 'interview with the team scheduled',
  hired: 'offer made',
  rejected: 'not moving forward',
  withdrawn: 'withdrawn',
};

export const CandidateSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  role: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  timeZone: z.string().optional(),
  stage: StageSchema,
  consentAt: z.coerce.date().optional(),
  optedOut: z.boolean().default(false),
  unreachable: z.boolean().default(false),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
export type Candidate = z.infer<typeof CandidateSchema>;
