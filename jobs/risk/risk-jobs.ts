import type { NewDomainEvent } from '../../core/domain/index.js';
import type { Store } from '../../core/ports/index.js';
import { assessRisk, riskTransition, type RiskAssessment, type RiskConfig, type RiskEpisodeState } from '../../core/risk/index.js';
import { allConversations } from '../handlers/store-scan.js';
import { nextEvery } from '../policy/index.js';
import { recordEvents, type JobsDeps } from '../runtime/deps.js';
import type { RiskJobs } from '../runtime/jobs-runtime.js';
import { Coalescer } from './coalescer.js';
import { RiskDebounce } from './debounce.js';
import { RISK_STATE_NAMESPACE } from './risk-state.js';
import { riskInput, type RiskView } from './risk-input.js';

export const RISK_SWEEP_JOB = 'risk-sweep';
/** The assessment a burst of a candidate's events waits for (key `risk:<candidateId>`). */
export const RISK_RECOMPUTE_JOB = 'risk-recompute';
/** Event-triggered assessments of one candidate: at most one per this much domain time, plus one at its end. */
export const RISK_DEBOUNCE_MS = 30_000;

interface StoredRisk extends RiskEpisodeState {
  score?: number;
  factors?: string[];
}

const CLOSED = new Set(['hired', 'rejected', 'withdrawn']);

/**
 * Risk scoring in the jobs: a sweep over every open candidate every `riskSweepEveryMs` (a
 * recurring job), and a recompute after a candidate's events, debounced per candidate (see
 * `RiskDebounce`): the first event after a quiet `debounceMs` assesses at once, later ones wait
 * for one assessment at the window's end (a scheduled job, so a restart does not lose it).
 * Assessments of one candidate never interleave (coalesced in-process).
 */
export function createRiskJobs(deps: JobsDeps, config: RiskConfig, opts: { debounceMs?: number } = {}): RiskJobs {
  const runs = new Coalescer();
  const debounce = new RiskDebounce(opts.debounceMs ?? RISK_DEBOUNCE_MS);
  const assess = (candidateId: string) => runs.run(candidateId, () => assessCandidate(deps, config, candidateId));
  return {
    recurring: [RISK_SWEEP_JOB],
    specs: {
      [RISK_SWEEP_JOB]: {
        recurrence: (now) => nextEvery(now, deps.settings.riskSweepEveryMs),
        async run() {
          // Candidates with an engaged conversation only: an opened, empty chat has nothing to score.
          const engaged = new Set<string>();
          for await (const c of allConversations(deps.store, { engaged: true })) engaged.add(c.candidateId);
          for (const c of await deps.store.listCandidates()) if (engaged.has(c.id) && !CLOSED.has(c.stage)) await assess(c.id);
        },
      },
      [RISK_RECOMPUTE_JOB]: {
        async run(job) {
          const candidateId = job.data.candidateId;
          if (typeof candidateId !== 'string') return;
          debounce.fired(candidateId, job.now);
          await assess(candidateId);
        },
      },
    },
    async recompute(candidateId) {
      const admitted = debounce.admit(candidateId, deps.clock.now());
      if (admitted.now) return assess(candidateId);
      if (!admitted.at) return;
      try {
        await deps.scheduler.schedule({ name: RISK_RECOMPUTE_JOB, key: `risk:${candidateId}`, runAt: admitted.at, data: { candidateId } });
      } catch (err) {
        // Not waiting after all: the next event assesses at once (and the sweep catches up meanwhile).
        debounce.fired(candidateId, new Date(0));
        throw err;
      }
    },
  };
}

/**
 * Assess one candidate now: `RiskAssessed` is recorded when the picture changed (level, score or
 * factors), and `CandidateAtRisk` when the level crosses into high (once per episode: an episode
 * ends when the level falls back to low).
 */
export async function assessCandidate(deps: JobsDeps, config: RiskConfig, candidateId: string): Promise<RiskAssessment | undefined> {
  const view = await loadRiskView(deps.store, candidateId);
  if (!view) return undefined;
  // A candidate who left (opted out, asked for their data to be deleted, withdrew) or whose
  // application is closed is not "at risk": nobody should chase them, so nothing is recorded.
  if (view.candidate.optedOut || CLOSED.has(view.candidate.stage)) return undefined;
  const now = deps.clock.now();
  const assessment = assessRisk(riskInput(view, now), config);
  const previous = await deps.store.kvGet<StoredRisk>(RISK_STATE_NAMESPACE, candidateId);
  const transition = riskTransition(previous, assessment, now.getTime(), candidateId);
  const factors = assessment.factors.map((f) => ({ name: f.name, contribution: f.contribution }));
  const ids = { conversationId: view.conversation.id, candidateId };
  const events: NewDomainEvent[] = [];
  if (changed(previous, assessment)) events.push({ type: 'RiskAssessed', score: assessment.score, level: assessment.level, factors, ...ids });
  if (transition.alert) events.push({ type: 'CandidateAtRisk', score: assessment.score, level: assessment.level, factors, recommendedAction: assessment.recommendedAction, ...ids });
  const stored: StoredRisk = { ...transition.state, score: assessment.score, factors: factors.map((f) => f.name) };
  // The sweep re-assesses every open candidate every few minutes: most of them have not moved.
  if (!sameStored(previous, stored)) await deps.store.kvSet(RISK_STATE_NAMESPACE, candidateId, stored);
  await recordEvents(deps, events);
  return assessment;
}

/** Nothing to write: the stored state is exactly this one. */
function sameStored(previous: StoredRisk | undefined, next: StoredRisk): boolean {
  if (!previous) return false;
  return (
    previous.level === next.level &&
    previous.score === next.score &&
    previous.mediumSince === next.mediumSince &&
    previous.episode?.id === next.episode?.id &&
    previous.episode?.startedAt === next.episode?.startedAt &&
    (previous.factors ?? []).join() === (next.factors ?? []).join()
  );
}

/** Identical consecutive assessments are not stored again (the sweep runs every few minutes). */
function changed(previous: StoredRisk | undefined, next: RiskAssessment): boolean {
  if (!previous || previous.score === undefined) return true;
  if (previous.level !== next.level || Math.abs(previous.score - next.score) >= 0.01) return true;
  return (previous.factors ?? []).join() !== next.factors.map((f) => f.name).join();
}

export async function loadRiskView(store: Store, candidateId: string): Promise<RiskView | undefined> {
  const candidate = await store.getCandidate(candidateId);
  const [conversation] = candidate ? await store.listConversations({ candidateId, limit: 1 }) : [];
  if (!candidate || !conversation) return undefined;
  const messages = await store.listMessages(conversation.id, { limit: 200 });
  const since = conversation.lastCandidateMessageAt ?? conversation.createdAt;
  const nudges = await store.listEvents({ conversationId: conversation.id, types: ['NudgeSent'], after: since });
  return { candidate, conversation, messages, unansweredNudges: nudges.length };
}
