import { DEFAULT_RISK_CONFIG, type RiskConfig } from './config.js';
import type { RiskAssessment, RiskLevel } from './score.js';

/** One stretch of time a candidate spends at risk; recruiters hear about it once. */
export interface RiskEpisode {
  /** Derived from the candidate and the start time (see `riskEpisodeId`), so replays agree. */
  id: string;
  /** Epoch ms. */
  startedAt: number;
}

/** What to keep per candidate between assessments (plain JSON). */
export interface RiskEpisodeState {
  level: RiskLevel;
  /** The open episode, if any. */
  episode?: RiskEpisode;
  /** Epoch ms since which an open episode has been at medium (for the cooldown). */
  mediumSince?: number;
}

/** What `riskTransition` decides for one assessment. */
export interface RiskTransition {
  /** The level went from below high to high (may happen again inside one episode). */
  crossedIntoHigh: boolean;
  /** The episode open after this assessment. */
  episode: RiskEpisode | undefined;
  /** Send the at-risk alert: true exactly when a new episode starts. */
  alert: boolean;
  /** Store this and pass it back as `previous` next time. */
  state: RiskEpisodeState;
}

const HOUR = 3_600_000;

/**
 * The id of the episode a candidate enters at `startedAt`: the same inputs give the same id,
 * so a re-run job dedupes on it instead of alerting twice.
 *
 * @example
 * riskEpisodeId('cand_1', 1767960000000) // 'risk:cand_1:1767960000000'
 */
export function riskEpisodeId(candidateId: string, startedAt: number): string {
  return `risk:${candidateId}:${startedAt}`;
}

/**
 * Decides whether a new assessment alerts. An episode starts when the level crosses into
 * high and alerts once; it ends when the level drops to low, or after it has stayed at medium
 * for `mediumCooldownHours`. A candidate hovering around the high threshold therefore stays in
 * one episode and recruiters hear about it once. Pure: `now` and the candidate id come in.
 *
 * @example
 * const first = riskTransition(undefined, { level: 'high' }, now, 'cand_1');      // alert: true
 * const again = riskTransition(first.state, { level: 'high' }, later, 'cand_1');  // alert: false, same episode
 */
export function riskTransition(
  previous: RiskEpisodeState | undefined,
  next: Pick<RiskAssessment, 'level'>,
  now: number | Date,
  candidateId: string,
  config: Pick<RiskConfig, 'mediumCooldownHours'> = DEFAULT_RISK_CONFIG,
): RiskTransition {
  const at = typeof now === 'number' ? now : now.getTime();
  const open = previous?.episode;
  const crossedIntoHigh = next.level === 'high' && previous?.level !== 'high';
  if (next.level === 'high') {
    const episode = open ?? { id: riskEpisodeId(candidateId, at), startedAt: at };
    return { crossedIntoHigh, episode, alert: open === undefined, state: { level: 'high', episode } };
  }
  const closed: RiskTransition = { crossedIntoHigh: false, episode: undefined, alert: false, state: { level: next.level } };
  if (next.level === 'low' || open === undefined) return closed;
  const mediumSince = previous?.level === 'medium' && previous.mediumSince !== undefined ? previous.mediumSince : at;
  if (at - mediumSince >= config.mediumCooldownHours * HOUR) return closed;
  return { crossedIntoHigh: false, episode: open, alert: false, state: { level: 'medium', episode: open, mediumSince } };
}
