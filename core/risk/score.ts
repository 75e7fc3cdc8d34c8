import { DEFAULT_RISK_CONFIG, FACTOR_NAMES, type FactorName, type RiskConfig } from './config.js';
import { rawFactors, type RawFactor } from './factors.js';
import { parseRiskInput, type ParsedRiskInput, type RiskInput } from './input.js';
import { round4 } from './text.js';

/** Risk levels, lowest first; `levelFor` maps a score onto them. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** What `recommendAction` can suggest: nothing, an automatic nudge, a recruiter's call, or a live takeover of the chat. */
export const RECOMMENDED_ACTIONS = ['none', 'nudge', 'recruiter-call', 'takeover'] as const;
export type RecommendedAction = (typeof RECOMMENDED_ACTIONS)[number];

/** One named reason for the score, with what it adds and a sentence a recruiter can read. */
export interface RiskFactor {
  name: FactorName;
  contribution: number;
  detail: string;
}

/** The result of `assessRisk`; `score`, `level`, `factors` and `recommendedAction` map onto the `CandidateAtRisk` event. */
export interface RiskAssessment {
  /** 0..1, the exact sum of the factors' contributions. */
  score: number;
  level: RiskLevel;
  /** Non-zero factors, largest contribution first. */
  factors: RiskFactor[];
  recommendedAction: RecommendedAction;
}

/**
 * How likely a candidate is to drop out, 0..1, with the factors that make it up. Each factor
 * adds at most its weight; if they add up to more than 1 they are scaled down together, so
 * the contributions always sum to the score. Opting out overrides everything: score 1.
 *
 * @throws ValidationError when the input does not parse.
 * @example
 * assessRisk({ stage: 'intake', now, lastCandidateMessageAt: now - 26 * HOUR, lastBotMessageAt: now - 25 * HOUR, unansweredNudges: 2 })
 * // { score: 0.8401, level: 'high', recommendedAction: 'recruiter-call', factors: [
 * //   { name: 'silence', contribution: 0.5401, detail: 'No reply for 26 h while in intake (expected within 4 h)' },
 * //   { name: 'unanswered-nudges', contribution: 0.3, detail: '2 nudges unanswered since they last wrote' }] }
 */
export function assessRisk(input: RiskInput, config: RiskConfig = DEFAULT_RISK_CONFIG): RiskAssessment {
  const parsed = parseRiskInput(input);
  const { score, factors } = parsed.optedOut ? optedOut() : combine(rawFactors(parsed, config));
  const level = levelFor(score, config);
  return { score, level, factors, recommendedAction: recommendAction(level, factors, parsed, config) };
}

/**
 * The level of a score: at or above `high` is high, at or above `medium` is medium.
 *
 * @example
 * levelFor(0.4, DEFAULT_RISK_CONFIG) // 'medium'
 */
export function levelFor(score: number, thresholds: Pick<RiskConfig, 'medium' | 'high'>): RiskLevel {
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  return 'low';
}

/** The action each factor suggests when it is the top one (see `recommendAction`). */
export const FACTOR_ACTIONS: Readonly<Record<FactorName, RecommendedAction>> = {
  'opted-out': 'none',
  disengagement: 'recruiter-call',
  'missed-interview': 'recruiter-call',
  'negative-sentiment': 'takeover',
  'falling-quality': 'takeover',
  silence: 'nudge',
  'unanswered-nudges': 'nudge',
  'interview-abandoned': 'nudge',
  'interview-paused': 'nudge',
  'slowing-responses': 'nudge',
};

/**
 * What to do about a candidate, from the level and the top factor:
 *
 * | situation                                              | action           | why                                             |
 * |--------------------------------------------------------|------------------|-------------------------------------------------|
 * | level low                                              | `none`           | nothing to do                                   |
 * | opted out                                              | `none`           | they said stop: nobody contacts them            |
 * | interview abandoned and negative sentiment             | `takeover`       | the bot upset them; a person should talk        |
 * | top: disengagement, missed-interview                   | `recruiter-call` | only a person can win them back / reschedule    |
 * | top: negative-sentiment, falling-quality               | `takeover`       | a person steps into the chat                    |
 * | top: silence, unanswered-nudges, interview-*, slowing  | `nudge`          | a reminder is usually enough                    |
 * | a `nudge` when `maxNudges` nudges are already ignored  | `recruiter-call` | more nudges will not help (and are not sent)    |
 * | human mode: `nudge` or `takeover`                      | `recruiter-call` | a recruiter already holds the chat; bot is mute |
 *
 * @example
 * recommendAction('high', [{ name: 'disengagement', contribution: 0.7, detail: '' }], { unansweredNudges: 0, mode: 'bot' }) // 'recruiter-call'
 */
export function recommendAction(
  level: RiskLevel,
  factors: readonly Pick<RiskFactor, 'name' | 'contribution'>[],
  situation: Pick<ParsedRiskInput, 'unansweredNudges' | 'mode'>,
  config: Pick<RiskConfig, 'maxNudges'> = DEFAULT_RISK_CONFIG,
): RecommendedAction {
  const top = sortFactors(factors)[0];
  if (level === 'low' || top === undefined || top.name === 'opted-out') return 'none';
  const has = (name: FactorName) => factors.some((f) => f.name === name && f.contribution > 0);
  let action: RecommendedAction = has('interview-abandoned') && has('negative-sentiment') ? 'takeover' : FACTOR_ACTIONS[top.name];
  if (action === 'nudge' && situation.unansweredNudges >= config.maxNudges) action = 'recruiter-call';
  if (situation.mode === 'human' && (action === 'nudge' || action === 'takeover')) action = 'recruiter-call';
  return action;
}

/**
 * The `n` largest factors, each with its sentence, for alerts, the console and `/status`.
 *
 * @example
 * topFactors(assessment, 1) // [{ name: 'silence', contribution: 0.54, detail: 'No reply for 26 h while in intake (expected within 4 h)' }]
 */
export function topFactors<F extends Pick<RiskFactor, 'name' | 'contribution'>>(assessment: { factors: readonly F[] }, n = 3): F[] {
  return sortFactors(assessment.factors).slice(0, Math.max(0, n));
}

/** Largest contribution first; ties in `FACTOR_NAMES` order, so the top factor is deterministic. */
function sortFactors<F extends Pick<RiskFactor, 'name' | 'contribution'>>(factors: readonly F[]): F[] {
  const rank = (name: string) => FACTOR_NAMES.indexOf(name as FactorName);
  return [...factors].sort((a, b) => b.contribution - a.contribution || rank(a.name) - rank(b.name));
}

function optedOut(): { score: number; factors: RiskFactor[] } {
  return { score: 1, factors: [{ name: 'opted-out', contribution: 1, detail: 'Opted out: do not contact' }] };
}

/** Caps the total at 1 by scaling every factor alike, so the contributions still explain the score. */
function combine(raw: readonly RawFactor[]): { score: number; factors: RiskFactor[] } {
  const total = raw.reduce((n, f) => n + f.raw, 0);
  const scale = total > 1 ? 1 / total : 1;
  const factors = sortFactors(raw.map((f) => ({ name: f.name, contribution: round4(f.raw * scale), detail: f.detail }))).filter((f) => f.contribution > 0);
  let score = round4(factors.reduce((n, f) => n + f.contribution, 0));
  const top = factors[0];
  if (total > 1 && top && score !== 1) {
    // Rounding each share can leave the sum a hair off 1; the largest factor absorbs it.
    top.contribution = round4(top.contribution + 1 - score);
    score = 1;
  }
  return { score, factors };
}
