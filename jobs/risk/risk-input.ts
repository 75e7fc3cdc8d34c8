import { scheduleSlice, type Candidate, type Conversation, type Message } from '../../core/domain/index.js';
import { interviewSlice, type InterviewSession } from '../../core/interview/index.js';
import type { RiskInput } from '../../core/risk/index.js';

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
 * session through its slice (an unreadable one counts as no interview).
 *
 * @example
 * assessRisk(riskInput(view, clock.now()), config)
 */
export function riskInput(view: RiskView, now: Date): RiskInput {
  const { candidate, conversation, messages } = view;
  const fromCandidate = messages.filter((m) => m.direction === 'in');
  const lastBot = messages.findLast((m) => m.direction === 'out');
  const session = interviewSlice.read(conversation);
  const lastCandidateAt = conversation.lastCandidateMessageAt ?? fromCandidate.at(-1)?.createdAt;
  return {
    stage: candidate.stage,
    now: now.getTime(),
    ...(lastCandidateAt ? { lastCandidateMessageAt: lastCandidateAt.getTime() } : {}),
    ...(lastBot ? { lastBotMessageAt: lastBot.createdAt.getTime() } : {}),
    unansweredNudges: view.unansweredNudges,
    interview: interviewState(session),
    responseLatenciesSec: responseLatencies(messages).slice(-20),
    answerComposites: answerComposites(session).slice(-20),
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

function interviewState(session: InterviewSession | undefined): NonNullable<RiskInput['interview']> {
  if (!session) return 'none';
  // Waiting for a recruiter the bot called in: the candidate is not drifting away, the interview is paused.
  return session.status === 'in-progress' && session.hold ? 'paused' : session.status;
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

/** Interview answer composites (0..1), oldest first. */
export function answerComposites(session: InterviewSession | undefined): number[] {
  return (session?.answers ?? []).map((a) => a.composite).filter((c) => Number.isFinite(c));
}

function missedInterview(candidate: Candidate, conversation: Conversation, now: Date): boolean {
  const schedule = scheduleSlice.read(conversation);
  if (!schedule) return false;
  return schedule.missed === true || (candidate.stage === 'scheduled' && now.getTime() - Date.parse(schedule.at) > MISSED_INTERVIEW_AFTER_MS);
}
