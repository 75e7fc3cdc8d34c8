import type { Candidate, Conversation, Message } from '../../core/domain/index.js';
import type { RiskInput } from '../../core/risk/index.js';
import { readInterview } from '../policy/index.js';

/** What the store says about a candidate, as risk scoring needs it. */
export interface RiskView {
  candidate: Candidate;
  /** Their most recently active conversation. */
  conversation: Conversation;
  /** That conversation's messages, oldest first. */
  messages: readonly Message[];
  /** Nudges sent since the candidate last wrote. */
  unansweredNudges: number;
}

const HOUR = 3_600_000;
/** A scheduled interview still "scheduled" this long after its time most likely did not happen. */
export const MISSED_INTERVIEW_AFTER_MS = 24 * HOUR;

/**
 * Build risk scoring's input from stored facts. Pure: `now` comes in. Reads the interview
 * session defensively (it belongs to the interview plugin).
 *
 * @example
 * assessRisk(riskInput(view, clock.now()), config)
 */
export function riskInput(view: RiskView, now: Date): RiskInput {
  const { candidate, conversation, messages } = view;
  const fromCandidate = messages.filter((m) => m.direction === 'in');
  const lastBot = messages.findLast((m) => m.direction === 'out');
  const lastCandidateAt = conversation.lastCandidateMessageAt ?? fromCandidate.at(-1)?.createdAt;
  return {
    stage: candidate.stage,
    now: now.getTime(),
    ...(lastCandidateAt ? { lastCandidateMessageAt: lastCandidateAt.getTime() } : {}),
    ...(lastBot ? { lastBotMessageAt: lastBot.createdAt.getTime() } : {}),
    unansweredNudges: view.unansweredNudges,
    interview: interviewState(conversation.state.interview),
    responseLatenciesSec: responseLatencies(messages).slice(-20),
    answerComposites: answerComposites(conversation.state.interview).slice(-20),
    recentCandidateMessages: fromCandidate
      .filter((m) => m.kind === 'text' || m.kind === 'voice')
      .map((m) => m.text)
      .filter(Boolean)
      .slice(-5),
    missedInterview: missedInterview(candidate, conversation, now),
    optedOut: candidate.optedOut,
    mode: conversation.mode,
  };
}

function interviewState(state: unknown): NonNullable<RiskInput['interview']> {
  // Waiting for a recruiter the bot called in: the candidate is not drifting away, the interview is paused.
  if ((state as { status?: unknown; hold?: unknown } | undefined)?.status === 'in-progress' && (state as { hold?: unknown }).hold) return 'paused';
  const status = readInterview(state)?.status;
  if (status === 'in-progress' || status === 'paused' || status === 'abandoned' || status === 'completed') return status;
  return status ? 'in-progress' : 'none';
}

/** Seconds from each bot message to the candidate's reply that followed it, oldest first. */
export function responseLatencies(messages: readonly Message[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < messages.length; i++) {
    const [prev, cur] = [messages[i - 1]!, messages[i]!];
    if (cur.direction === 'in' && prev.direction === 'out') out.push(Math.max(0, (cur.createdAt.getTime() - prev.createdAt.getTime()) / 1000));
  }
  return out;
}

/** Interview answer composites (0..1), oldest first, from the session if it has any. */
export function answerComposites(state: unknown): number[] {
  const answers = (state as { answers?: unknown } | undefined)?.answers;
  if (!Array.isArray(answers)) return [];
  return answers.map((a) => (a as { composite?: unknown }).composite).filter((c): c is number => typeof c === 'number' && Number.isFinite(c));
}

function missedInterview(candidate: Candidate, conversation: Conversation, now: Date): boolean {
  const schedule = conversation.state.schedule as { at?: unknown; missed?: unknown } | undefined;
  if (schedule?.missed === true) return true;
  const at = typeof schedule?.at === 'string' ? Date.parse(schedule.at) : NaN;
  return candidate.stage === 'scheduled' && Number.isFinite(at) && now.getTime() - at > MISSED_INTERVIEW_AFTER_MS;
}
