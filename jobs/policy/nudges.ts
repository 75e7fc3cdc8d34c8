import type { ConversationMode, Stage } from '../../core/domain/index.js';
import { nextAllowedTime, type QuietHours } from './quiet-hours.js';

export interface NudgePolicy {
  /** Wait before nudge n, from the candidate's last message (n = 1) or the previous nudge; the last repeats. */
  delaysMs: readonly number[];
  /** At most this many nudges per silence. */
  max: number;
  quietHours: QuietHours | undefined;
  /** Stages in which a silent candidate is nudged (intake, interview). */
  stages: readonly Stage[];
}

export interface NudgeInput {
  now: Date;
  mode: ConversationMode;
  stage: Stage;
  optedOut: boolean;
  /** When the candidate last wrote. */
  lastCandidateAt: Date;
  /** Nudges sent since then, oldest first. */
  sent: readonly Date[];
  /** The candidate's time zone (already defaulted). */
  timeZone: string;
}

export type NudgeStop = 'opted-out' | 'human-mode' | 'not-waiting' | 'max-reached';

export type NudgeDecision = { action: 'send'; attempt: number; next: Date | undefined } | { action: 'wait'; until: Date } | { action: 'stop'; reason: NudgeStop };

/** Delay before nudge `attempt` (1-based). */
export function nudgeDelay(policy: NudgePolicy, attempt: number): number {
  const { delaysMs } = policy;
  return delaysMs[Math.min(attempt, delaysMs.length) - 1] ?? 0;
}

/**
 * Should a silent candidate be nudged now? Never after opt-out or in human mode, only in the
 * stages that wait on the candidate, at most `max` times, never in their quiet hours.
 *
 * @example
 * decideNudge({ now, mode: 'bot', stage: 'intake', optedOut: false, lastCandidateAt: twoHoursAgo, sent: [], timeZone: 'UTC' }, policy)
 * // { action: 'send', attempt: 1, next: <now + second delay> }
 */
export function decideNudge(input: NudgeInput, policy: NudgePolicy): NudgeDecision {
  if (input.optedOut) return { action: 'stop', reason: 'opted-out' };
  if (input.mode === 'human') return { action: 'stop', reason: 'human-mode' };
  if (!policy.stages.includes(input.stage)) return { action: 'stop', reason: 'not-waiting' };
  const attempt = input.sent.length + 1;
  if (attempt > policy.max) return { action: 'stop', reason: 'max-reached' };
  const anchor = input.sent.at(-1) ?? input.lastCandidateAt;
  const due = new Date(anchor.getTime() + nudgeDelay(policy, attempt));
  const allowed = nextAllowedTime(due.getTime() > input.now.getTime() ? due : input.now, input.timeZone, policy.quietHours);
  if (allowed.getTime() > input.now.getTime()) return { action: 'wait', until: allowed };
  const next = attempt < policy.max ? nextAllowedTime(new Date(input.now.getTime() + nudgeDelay(policy, attempt + 1)), input.timeZone, policy.quietHours) : undefined;
  return { action: 'send', attempt, next };
}

/**
 * What a nudge says: a friendly check-in, then the question we are waiting on, if any.
 *
 * @example
 * nudgeText(1, 'What is your name?') // 'Are you still there? ...\n\nWhat is your name?'
 */
export function nudgeText(
  attempt: number,
  pendingQuestion: string | undefined,
  /** Words the opener in the candidate's language (core/domain `localise`); English by default. */
  word: (key: 'notices.nudgeFirst' | 'notices.nudgeAgain', english: string) => string = (_key, english) => english,
): string {
  const opener =
    attempt === 1
      ? word('notices.nudgeFirst', 'Are you still there? Whenever you are ready, just reply here and we will pick up where we left off.')
      : word('notices.nudgeAgain', 'Just checking in one more time: your application is still open. Reply here when you have a moment.');
  return pendingQuestion ? `${opener}\n\n${pendingQuestion}` : opener;
}
