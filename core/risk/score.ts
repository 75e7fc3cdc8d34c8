import { z } from 'zod';
import { STAGES, type Stage } from '../domain/index.js';
import { disengagementPhrase, scoreSentiment } from './sentiment.js';

export const RiskInputSchema = z.object({
  stage: z.enum(STAGES),
  now: z.number(),
  lastCandidateMessageAt: z.number().optional(),
  lastBotMessageAt: z.number().optional(),
  unansweredNudges: z.number().int().nonnegative().default(0),
  interview: z.enum(['none', 'in-progress', 'paused', 'abandoned', 'completed']).default('none'),
  /** Seconds the candidate took to answer, oldest first. */
  responseLatenciesSec: z.array(z.number()).default([]),
  /** Interview answer composites 0..1, oldest first. */
  answerComposites: z.array(z.number()).default([]),
  /** The candidate's recent messages, newest last. */
  recentCandidateMessages: z.array(z.string()).default([]),
  missedInterview: z.boolean().default(false),
  optedOut: z.boolean().default(false),
  mode: z.enum(['bot', 'human']).default('bot'),
});
export type RiskInput = z.input<typeof RiskInputSchema>;

export type RiskLevel = 'low' | 'medium' | 'high';
export type RecommendedAction = 'none' | 'nudge' | 'recruiter-call' | 'takeover';

export interface RiskFactor {
  name: string;
  contribution: number;
  detail: string;
}

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  factors: RiskFactor[];
  recommendedAction: RecommendedAction;
}

export interface RiskConfig {
  medium: number;
  high: number;
  /** Hours a candidate in each stage may stay quiet before it starts to count. */
  expectedReplyHours: Record<Stage, number>;
  maxNudges: number;
}

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  medium: 0.4,
  high: 0.7,
  expectedReplyHours: { new: 24, intake: 4, screening: 72, interviewing: 1, assessed: 168, scheduled: 72, hired: Infinity, rejected: Infinity, withdrawn: Infinity },
  maxNudges: 2,
};

const HOUR = 3_600_000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[Math.floor((s.length - 1) / 2)] as number) + (s[Math.ceil((s.length - 1) / 2)] as number)) / 2 : 0;
};

/** Each factor: a bounded contribution and a sentence a recruiter can read. */
function factors(i: z.infer<typeof RiskInputSchema>, c: RiskConfig): RiskFactor[] {
  const out: RiskFactor[] = [];
  const add = (name: string, contribution: number, detail: string) => contribution > 0 && out.push({ name, contribution, detail });
  if (i.optedOut) add('opted-out', 1, 'The candidate opted out');
  const expected = c.expectedReplyHours[i.stage];
  if (i.lastCandidateMessageAt !== undefined && Number.isFinite(expected)) {
    const hours = (i.now - i.lastCandidateMessageAt) / HOUR;
    const waitingOnCandidate = (i.lastBotMessageAt ?? 0) >= i.lastCandidateMessageAt;
    const weight = waitingOnCandidate ? 0.35 : 0.15;
    add('silence', weight * clamp01((hours / expected - 1) / 3), `No reply for ${Math.round(hours)} h while in ${i.stage} (expected within ${expected} h)`);
  }
  add('unanswered-nudges', Math.min(0.2, 0.08 * i.unansweredNudges), `${i.unansweredNudges} reminder${i.unansweredNudges === 1 ? '' : 's'} without an answer`);
  if (i.interview === 'abandoned') add('interview-abandoned', 0.2, 'Left the interview mid-way');
  if (i.interview === 'paused') add('interview-paused', 0.1, 'Interview paused mid-way');
  const lat = i.responseLatenciesSec;
  if (lat.length >= 6) {
    const ratio = median(lat.slice(-3)) / Math.max(1, median(lat.slice(0, -3)));
    add('slowing-responses', 0.1 * clamp01((ratio - 2) / 3), `Answers now take ${ratio.toFixed(1)}x as long as before`);
  }
  const comp = i.answerComposites;
  if (comp.length >= 6) {
    const drop = comp.slice(0, -3).reduce((a, b) => a + b, 0) / (comp.length - 3) - comp.slice(-3).reduce((a, b) => a + b, 0) / 3;
    add('falling-quality', 0.1 * clamp01((drop - 0.15) / 0.35), `Answer quality fell by ${Math.round(drop * 100)} points`);
  }
  const recent = i.recentCandidateMessages.slice(-5);
  if (recent.length) {
    const mean = recent.reduce((n, t) => n + scoreSentiment(t).score, 0) / recent.length;
    add('negative-sentiment', 0.15 * clamp01((-mean - 0.1) / 0.5), `Recent messages read negative (${mean.toFixed(2)})`);
    const phrase = recent.map(disengagementPhrase).find(Boolean);
    if (phrase) add('disengagement', 0.45, `Said "${phrase}"`);
  }
  if (i.missedInterview) add('missed-interview', 0.3, 'Missed a scheduled interview');
  return out;
}

/**
 * Score 0..1 with its factors (contributions sum to the score) and a recommended action.
 *
 * @example
 * assessRisk({ stage: 'intake', now, lastCandidateMessageAt: now - 26 * HOUR, lastBotMessageAt: now - 26 * HOUR })
 */
export function assessRisk(input: RiskInput, config: RiskConfig = DEFAULT_RISK_CONFIG): RiskAssessment {
  const i = RiskInputSchema.parse(input);
  const raw = factors(i, config).sort((a, b) => b.contribution - a.contribution);
  const sum = raw.reduce((n, f) => n + f.contribution, 0);
  const scale = sum > 1 ? 1 / sum : 1;
  const list = raw.map((f) => ({ ...f, contribution: round(f.contribution * scale) }));
  const score = round(Math.min(1, sum));
  const level: RiskLevel = score >= config.high ? 'high' : score >= config.medium ? 'medium' : 'low';
  return { score, level, factors: list, recommendedAction: recommend(level, list, i, config) };
}

/**
 * low -> nothing; opted out -> nothing (respect it); disengagement or a missed interview -> a
 * recruiter call; an abandoned interview with negative sentiment -> takeover; silence or
 * nudges -> another nudge until the nudges run out, then a call.
 */
function recommend(level: RiskLevel, list: RiskFactor[], i: z.infer<typeof RiskInputSchema>, c: RiskConfig): RecommendedAction {
  const names = new Set(list.map((f) => f.name));
  if (level === 'low' || names.has('opted-out')) return 'none';
  if (names.has('interview-abandoned') && names.has('negative-sentiment')) return 'takeover';
  if (names.has('disengagement') || names.has('missed-interview')) return 'recruiter-call';
  if (names.has('silence') || names.has('unanswered-nudges')) return i.unansweredNudges >= c.maxNudges ? 'recruiter-call' : 'nudge';
  return level === 'high' ? 'recruiter-call' : 'nudge';
}

/** The biggest factors, for the console and `/status <candidate>`. */
export function topFactors(a: Pick<RiskAssessment, 'factors'>, n = 3): RiskFactor[] {
  return a.factors.slice(0, n);
}

export interface RiskEpisodeState {
  level: RiskLevel;
  episode?: { id: string; startedAt: number };
}

/**
 * Alert once per at-risk episode: one starts when the level crosses into high and ends when
 * it falls back to low. Staying high, or hovering between medium and high, does not alert again.
 */
export function riskTransition(previous: RiskEpisodeState | undefined, next: Pick<RiskAssessment, 'level'>, now: number, candidateId: string): { state: RiskEpisodeState; crossedIntoHigh: boolean; alert: boolean } {
  const crossedIntoHigh = next.level === 'high' && previous?.level !== 'high';
  let episode = previous?.episode;
  let alert = false;
  if (next.level === 'low') episode = undefined;
  else if (next.level === 'high' && !episode) {
    episode = { id: `${candidateId}:${now}`, startedAt: now };
    alert = true;
  }
  return { state: { level: next.level, ...(episode ? { episode } : {}) }, crossedIntoHigh, alert };
}
