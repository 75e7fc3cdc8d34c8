import { STAGES, type DomainEvent, type Stage } from '../../core/domain/index.js';
import { RISK_LEVELS, type RiskLevel } from '../views/risk.js';

/** The stages a candidate moves through in order; `rejected` and `withdrawn` leave the funnel. */
export const FUNNEL_PATH: readonly Stage[] = ['new', 'intake', 'screening', 'interviewing', 'assessed', 'scheduled', 'hired'];
const EXITS = new Set<Stage>(['rejected', 'withdrawn']);

/** Event types the funnel reads. */
export const FUNNEL_EVENT_TYPES = ['CandidateStateChanged', 'RiskAssessed', 'OperatorTakeover', 'HumanRequested', 'NeedsHumanFlagged', 'ConversationUnassigned', 'OperatorAction'] as const;

export interface FunnelInput {
  candidates: readonly { id: string; stage: Stage; createdAt: Date }[];
  /** Events of `FUNNEL_EVENT_TYPES` (others are ignored), in any order. */
  events: readonly DomainEvent[];
}

export interface StageFigures {
  stage: Stage;
  /** Candidates in this stage now. */
  current: number;
  /** Candidates who ever got this far (path stages: this stage or a later one; exits: ever in it). */
  reached: number;
  /** Candidates who withdrew or were rejected while in this stage. */
  droppedOut: number;
  /** droppedOut / reached, or null when nobody reached it. */
  dropOffRate: number | null;
  /** Median seconds from entering to leaving the stage, over candidates who left it. */
  medianTimeInStageSec: number | null;
  timeSamples: number;
}

export interface FunnelReport {
  generatedAt: string;
  totalCandidates: number;
  stages: StageFigures[];
  /** Between consecutive path stages: how many who reached `from` reached `to`. */
  conversion: { from: Stage; to: Stage; reachedFrom: number; reachedTo: number; rate: number | null }[];
  /** The latest `RiskAssessed` level per candidate; `none` when never assessed. */
  risk: Record<RiskLevel | 'none', number>;
  /** From a takeover or a needs-human flag to the first operator message. */
  operatorFirstResponse: { medianSec: number | null; samples: number; waiting: number };
}

type Transition = Extract<DomainEvent, { type: 'CandidateStateChanged' }>;

/**
 * The recruiting funnel, computed from candidates and events. Pure: `now` only stamps the report.
 *
 * @example
 * const report = computeFunnel({ candidates, events }, new Date());
 * report.conversion[0] // { from: 'new', to: 'intake', reachedFrom: 10, reachedTo: 8, rate: 0.8 }
 */
export function computeFunnel(input: FunnelInput, now: Date): FunnelReport {
  const events = [...input.events].sort((a, b) => a.at.getTime() - b.at.getTime());
  const transitions = groupBy(events.filter((e): e is Transition => e.type === 'CandidateStateChanged'), (e) => e.candidateId);
  const reached = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  const dropped = new Map<Stage, Set<string>>(STAGES.map((s) => [s, new Set()]));
  const durations = new Map<Stage, number[]>(STAGES.map((s) => [s, []]));
  for (const candidate of input.candidates) {
    const own = transitions.get(candidate.id) ?? [];
    for (const stage of stagesReached(candidate.stage, own)) reached.set(stage, (reached.get(stage) ?? 0) + 1);
    let enteredAt = candidate.createdAt.getTime();
    for (const t of own) {
      durations.get(t.from)?.push((t.at.getTime() - enteredAt) / 1000);
      enteredAt = t.at.getTime();
      if (EXITS.has(t.to) && !EXITS.has(t.from)) dropped.get(t.from)?.add(candidate.id);
    }
  }
  const stages = STAGES.map((stage): StageFigures => {
    const r = reached.get(stage) ?? 0;
    const d = dropped.get(stage)?.size ?? 0;
    const times = durations.get(stage) ?? [];
    return { stage, current: input.candidates.filter((c) => c.stage === stage).length, reached: r, droppedOut: d, dropOffRate: ratio(d, r), medianTimeInStageSec: median(times), timeSamples: times.length };
  });
  const conversion = FUNNEL_PATH.slice(1).map((to, i) => {
    const from = FUNNEL_PATH[i] as Stage;
    const reachedFrom = reached.get(from) ?? 0;
    const reachedTo = reached.get(to) ?? 0;
    return { from, to, reachedFrom, reachedTo, rate: ratio(reachedTo, reachedFrom) };
  });
  return {
    generatedAt: now.toISOString(),
    totalCandidates: input.candidates.length,
    stages,
    conversion,
    risk: riskDistribution(input.candidates, events),
    operatorFirstResponse: firstResponse(events),
  };
}

/** Every stage a candidate was in: path stages up to the furthest reached, plus exits they entered. */
function stagesReached(current: Stage, transitions: readonly Transition[]): Stage[] {
  const seen = new Set<Stage>(['new', current]);
  for (const t of transitions) {
    seen.add(t.from);
    seen.add(t.to);
  }
  const furthest = Math.max(...[...seen].map((s) => FUNNEL_PATH.indexOf(s)));
  return [...FUNNEL_PATH.slice(0, furthest + 1), ...[...seen].filter((s) => EXITS.has(s))];
}

function riskDistribution(candidates: FunnelInput['candidates'], events: readonly DomainEvent[]): FunnelReport['risk'] {
  const latest = new Map<string, RiskLevel>();
  for (const e of events) {
    if (e.type === 'RiskAssessed' && e.candidateId && (RISK_LEVELS as readonly string[]).includes(e.level)) latest.set(e.candidateId, e.level as RiskLevel);
  }
  const out = { low: 0, medium: 0, high: 0, none: 0 };
  for (const c of candidates) out[latest.get(c.id) ?? 'none']++;
  return out;
}

const NEEDS_OPERATOR = new Set<DomainEvent['type']>(['OperatorTakeover', 'HumanRequested', 'NeedsHumanFlagged', 'ConversationUnassigned']);

/** Per conversation: each wait opens at a takeover or flag and closes at the next operator message. */
function firstResponse(events: readonly DomainEvent[]): FunnelReport['operatorFirstResponse'] {
  const samples: number[] = [];
  let waiting = 0;
  for (const own of groupBy(events, (e) => e.conversationId).values()) {
    let openedAt: number | undefined;
    for (const e of own) {
      if (NEEDS_OPERATOR.has(e.type)) openedAt ??= e.at.getTime();
      else if (e.type === 'OperatorAction' && e.action === 'message-sent' && openedAt !== undefined) {
        samples.push((e.at.getTime() - openedAt) / 1000);
        openedAt = undefined;
      }
    }
    if (openedAt !== undefined) waiting++;
  }
  return { medianSec: median(samples), samples: samples.length, waiting };
}

/** Median of a list, the mean of the middle two for an even count; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** a / b to three decimals, or null when b is 0. */
function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 1000) / 1000;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
