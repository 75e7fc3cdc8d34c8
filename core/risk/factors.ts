import type { FactorName, RiskConfig } from './config.js';
import { findDisengagement, type DisengagementMatch } from './disengagement.js';
import type { ParsedRiskInput } from './input.js';
import { scoreSentiment } from './sentiment.js';
import { clamp01 } from './text.js';

/** A factor before capping: `raw` is its uncapped contribution (0..its weight). */
export interface RawFactor {
  name: FactorName;
  raw: number;
  detail: string;
}

type FactorRule = (input: ParsedRiskInput, config: RiskConfig) => RawFactor | undefined;

const HOUR = 3_600_000;

/** How long, for people: "45 min", "26 h", "4 d". */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 72) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} d`;
}

function formatSeconds(sec: number): string {
  return sec < 90 ? `${Math.round(sec)} s` : formatHours(sec / 3600);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
}

/** Silence beyond what the stage expects, on a log scale up to `saturationRatio` times it. */
const silence: FactorRule = (i, c) => {
  const expected = c.expectedReplyHours[i.stage];
  const since = i.lastCandidateMessageAt ?? i.lastBotMessageAt;
  if (expected === null || !Number.isFinite(expected) || since === undefined) return undefined;
  const hours = Math.max(0, i.now - since) / HOUR;
  const ratio = hours / expected;
  if (ratio <= 1) return undefined;
  const severity = clamp01(Math.log(ratio) / Math.log(c.silence.saturationRatio));
  const expectation = `while in ${i.stage} (expected within ${formatHours(expected)})`;
  if (i.lastCandidateMessageAt === undefined) {
    return { name: 'silence', raw: c.weights.silence * severity, detail: `Never replied: ${formatHours(hours)} since our last message ${expectation}` };
  }
  const candidateWroteLast = i.lastBotMessageAt === undefined || i.lastBotMessageAt < i.lastCandidateMessageAt;
  if (candidateWroteLast) {
    const raw = c.weights.silence * severity * c.silence.candidateWroteLastShare;
    return { name: 'silence', raw, detail: `Quiet for ${formatHours(hours)} ${expectation}; they wrote last` };
  }
  return { name: 'silence', raw: c.weights.silence * severity, detail: `No reply for ${formatHours(hours)} ${expectation}` };
};

/** Each ignored nudge adds an equal share, saturating when all `maxNudges` were ignored. */
const unansweredNudges: FactorRule = (i, c) => {
  const n = i.unansweredNudges;
  if (n === 0) return undefined;
  const cap = Math.max(1, c.maxNudges);
  return { name: 'unanswered-nudges', raw: (c.weights['unanswered-nudges'] * Math.min(n, cap)) / cap, detail: `${plural(n, 'nudge')} unanswered since they last wrote` };
};

const interviewStalled: FactorRule = (i, c) => {
  if (i.interview === 'abandoned') return { name: 'interview-abandoned', raw: c.weights['interview-abandoned'], detail: 'Left the interview midway (abandoned)' };
  if (i.interview === 'paused') return { name: 'interview-paused', raw: c.weights['interview-paused'], detail: 'Paused the interview midway' };
  return undefined;
};

/** Recent reply times against the candidate's own earlier ones (medians, so one slow answer is not a trend). */
const slowingResponses: FactorRule = (i, c) => {
  const { recent, minBaseline, floorSec, fromRatio, toRatio } = c.latency;
  const lat = i.responseLatenciesSec;
  if (lat.length < recent + minBaseline) return undefined;
  const lately = median(lat.slice(-recent));
  const before = median(lat.slice(0, -recent));
  // A floor, so 3 s -> 12 s (quick typing either way) does not read as a 4x slowdown.
  const severity = clamp01((lately / Math.max(before, floorSec) - fromRatio) / (toRatio - fromRatio));
  if (severity === 0) return undefined;
  const detail = `Replies slowing: ${formatSeconds(lately)} lately vs ${formatSeconds(before)} before (${(lately / Math.max(before, 1)).toFixed(1)}x)`;
  return { name: 'slowing-responses', raw: c.weights['slowing-responses'] * severity, detail };
};

/** Recent interview answer composites against the earlier ones. */
const fallingQuality: FactorRule = (i, c) => {
  const { recent, minBaseline, fromDrop, toDrop } = c.quality;
  const comp = i.answerComposites;
  if (comp.length < recent + minBaseline) return undefined;
  const lately = mean(comp.slice(-recent));
  const before = mean(comp.slice(0, -recent));
  const severity = clamp01((before - lately - fromDrop) / (toDrop - fromDrop));
  if (severity === 0) return undefined;
  return { name: 'falling-quality', raw: c.weights['falling-quality'] * severity, detail: `Answer quality falling: ${lately.toFixed(2)} lately vs ${before.toFixed(2)} before` };
};

/**
 * Tone of the last few messages: a weighted mean where newer messages weigh more (a later
 * "ok, thanks!" softens an earlier complaint) and negative ones count double (one "fine"
 * after "what a waste of time" does not cancel it).
 */
const negativeSentiment: FactorRule = (i, c) => {
  const { window, fromScore, toScore } = c.sentiment;
  const scored = i.recentCandidateMessages.slice(-window).map(scoreSentiment);
  if (scored.length === 0) return undefined;
  const weights = scored.map((s, k) => (k + 1) * (s.score < 0 ? 2 : 1));
  const tone = scored.reduce((n, s, k) => n + s.score * weights[k]!, 0) / weights.reduce((a, b) => a + b, 0);
  const severity = clamp01((-tone - fromScore) / (toScore - fromScore));
  if (severity === 0) return undefined;
  const words = [...new Set(scored.flatMap((s) => s.negative))].slice(-3);
  const evidence = words.length ? `: ${words.map((w) => `"${w}"`).join(', ')}` : '';
  return { name: 'negative-sentiment', raw: c.weights['negative-sentiment'] * severity, detail: `Negative tone in recent messages (${tone.toFixed(2)}${evidence})` };
};

const disengagement: FactorRule = (i, c) => {
  let best: DisengagementMatch | undefined;
  for (const text of i.recentCandidateMessages.slice(-c.disengagementWindow)) {
    const found = findDisengagement(text);
    if (found && (!best || found.severity > best.severity)) best = found;
  }
  if (!best) return undefined;
  return { name: 'disengagement', raw: c.weights.disengagement * best.severity, detail: `Said "${best.phrase}"` };
};

const missedInterview: FactorRule = (i, c) =>
  i.missedInterview ? { name: 'missed-interview', raw: c.weights['missed-interview'], detail: 'Missed the scheduled interview' } : undefined;

const RULES: readonly FactorRule[] = [disengagement, missedInterview, interviewStalled, negativeSentiment, silence, unansweredNudges, slowingResponses, fallingQuality];

/** Every weighted factor that applies to `input`, uncapped (opt-out is handled by the caller). */
export function rawFactors(input: ParsedRiskInput, config: RiskConfig): RawFactor[] {
  return RULES.map((rule) => rule(input, config)).filter((f): f is RawFactor => f !== undefined && f.raw > 0);
}
