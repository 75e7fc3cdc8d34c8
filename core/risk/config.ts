import { z } from 'zod';
import { STAGES, ValidationError, type Stage } from '../domain/index.js';

/**
 * Every factor the score can name, in tie-break order: when two contribute the same, the
 * earlier one is the "top" factor that picks the recommended action.
 */
export const FACTOR_NAMES = [
  'opted-out',
  'disengagement',
  'missed-interview',
  'interview-abandoned',
  'negative-sentiment',
  'silence',
  'unanswered-nudges',
  'interview-paused',
  'slowing-responses',
  'falling-quality',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];
/** Opt-out is not weighted: it always sets the score to 1. */
export type WeightedFactor = Exclude<FactorName, 'opted-out'>;

const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const count = z.number().int().min(1);

const weightShape = Object.fromEntries(FACTOR_NAMES.filter((n) => n !== 'opted-out').map((n) => [n, fraction])) as Record<WeightedFactor, typeof fraction>;
const stageShape = Object.fromEntries(STAGES.map((s) => [s, positive.nullable()])) as Record<Stage, z.ZodNullable<typeof positive>>;

/** Validates a whole risk configuration; see `DEFAULT_RISK_CONFIG` for what each field means. */
export const RiskConfigSchema = z
  .object({
    medium: fraction,
    high: fraction,
    expectedReplyHours: z.object(stageShape),
    maxNudges: z.number().int().min(0),
    weights: z.object(weightShape),
    silence: z.object({ saturationRatio: z.number().gt(1), candidateWroteLastShare: fraction }),
    latency: z.object({ recent: count, minBaseline: count, floorSec: positive, fromRatio: z.number().min(1), toRatio: positive }),
    quality: z.object({ recent: count, minBaseline: count, fromDrop: fraction, toDrop: fraction }),
    sentiment: z.object({ window: count, fromScore: fraction, toScore: fraction }),
    disengagementWindow: count,
    mediumCooldownHours: z.number().min(0),
  })
  .refine((c) => c.medium < c.high, { message: 'medium must be below high', path: ['medium'] })
  .refine((c) => c.latency.fromRatio < c.latency.toRatio, { message: 'fromRatio must be below toRatio', path: ['latency'] })
  .refine((c) => c.quality.fromDrop < c.quality.toDrop, { message: 'fromDrop must be below toDrop', path: ['quality'] })
  .refine((c) => c.sentiment.fromScore < c.sentiment.toScore, { message: 'fromScore must be below toScore', path: ['sentiment'] });

/** Thresholds, per-stage expectations, factor weights and curves; start from `DEFAULT_RISK_CONFIG`. */
export type RiskConfig = z.infer<typeof RiskConfigSchema>;

/**
 * The defaults. A factor's weight is the most it can add to the score; the sum is capped at 1.
 * Alone, a disengagement phrase reaches high; a missed interview, long silence or an abandoned
 * interview reach medium at most; silence plus ignored nudges reaches high.
 */
export const DEFAULT_RISK_CONFIG: RiskConfig = {
  /** Level thresholds: score >= medium is medium, score >= high is high. */
  medium: 0.4,
  high: 0.7,
  /**
   * Hours within which a candidate in each stage is expected to reply; silence beyond that
   * counts. `null`: silence is not scored (closed stages).
   */
  expectedReplyHours: { new: 24, intake: 4, screening: 72, interviewing: 1, assessed: 120, scheduled: 96, hired: 168, rejected: null, withdrawn: null },
  /** Nudges the jobs send per silence: once this many are ignored, recommend a call instead. */
  maxNudges: 2,
  weights: {
    disengagement: 0.7,
    'missed-interview': 0.45,
    'interview-abandoned': 0.35,
    'negative-sentiment': 0.3,
    silence: 0.6,
    'unanswered-nudges': 0.3,
    'interview-paused': 0.15,
    'slowing-responses': 0.15,
    'falling-quality': 0.15,
  },
  /**
   * Silence counts from the expected time and saturates at `saturationRatio` times it (log
   * scale: 2x is a third, 4x two thirds). When the candidate wrote last the ball may be in
   * our court, so only `candidateWroteLastShare` of it counts.
   */
  silence: { saturationRatio: 8, candidateWroteLastShare: 1 / 3 },
  /** Median of the last `recent` latencies vs the median of the earlier ones (at least `minBaseline`). */
  latency: { recent: 3, minBaseline: 2, floorSec: 30, fromRatio: 1.5, toRatio: 5 },
  /** Mean of the last `recent` composites vs the earlier mean: a drop from `fromDrop` to `toDrop` counts. */
  quality: { recent: 3, minBaseline: 2, fromDrop: 0.15, toDrop: 0.45 },
  /** Recency-weighted sentiment of the last `window` messages: from -fromScore (mild) to -toScore (full). */
  sentiment: { window: 3, fromScore: 0.15, toScore: 0.65 },
  /** How many of the newest messages are searched for disengagement phrases. */
  disengagementWindow: 5,
  /** An at-risk episode also ends after this long at medium (it always ends at low). */
  mediumCooldownHours: 24,
};

/** Partial overrides of the defaults; nested groups merge field by field. */
export type RiskConfigOverrides = { [K in keyof RiskConfig]?: RiskConfig[K] extends number ? number : Partial<RiskConfig[K]> };

/**
 * The defaults with `overrides` merged in, validated.
 *
 * @throws ValidationError naming each bad field (e.g. `medium: medium must be below high`).
 * @example
 * resolveRiskConfig({ medium: 0.5, expectedReplyHours: { intake: 2 } })
 */
export function resolveRiskConfig(overrides: RiskConfigOverrides = {}): RiskConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_RISK_CONFIG };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = value !== null && typeof value === 'object' && typeof base === 'object' ? { ...base, ...value } : value;
  }
  const parsed = RiskConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ValidationError(`invalid risk config: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}
