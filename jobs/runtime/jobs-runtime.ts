import { errorMessage, type DomainEvent } from '../../core/domain/index.js';
import type { RiskEpisodeState } from '../../core/risk/index.js';
import type { Alerter } from '../alerts/alerter.js';
import { ABANDONMENT_JOB, abandonmentJob } from '../handlers/abandonment.js';
import { DIGEST_JOB, digestJob } from '../handlers/digest.js';
import { OPS_ALERTS_JOB, opsAlertsJob } from '../handlers/ops-alerts.js';
import { armNudge, NUDGE_JOB, nudgeJob, nudgeKey } from '../handlers/nudges.js';
import { cancelReminders, REMINDER_JOB, reminderJob, scheduleInterview } from '../handlers/reminders.js';
import { completeErasures, RETENTION_JOB, retentionJob } from '../handlers/retention.js';
import { atRiskText, needsHumanText } from '../policy/index.js';
import { RISK_STATE_NAMESPACE } from '../risk/risk-state.js';
import type { FailingJob, JobSpec } from '../scheduler/agenda-scheduler.js';
import { recordEvents, type JobsDeps } from './deps.js';

/** Risk scoring's part in the jobs (see `jobs/risk`): its job specs and what to recompute on. */
export interface RiskJobs {
  /** Recompute one candidate's risk now (after their events: a message, a nudge...). */
  recompute(candidateId: string): Promise<void>;
  specs: Record<string, JobSpec>;
  /** Recurring job names (each scheduled under its own name as key). */
  recurring: string[];
}

/** Events after which a candidate's risk is recomputed. */
const RISK_TRIGGERS = new Set<DomainEvent['type']>([
  'MessageReceived',
  'NudgeSent',
  'ReminderSent',
  'InterviewStarted',
  'InterviewAbandoned',
  'InterviewCompleted',
  'InterviewScheduled',
  'CandidateStateChanged',
  'CandidateOptedOut',
  'CandidateOptedIn',
]);

/**
 * The scheduled work of Parley: defines every job on the scheduler, keeps the recurring ones
 * scheduled, and reacts to domain events (a candidate writes: nudges re-arm and risk is
 * recomputed; an opt-out cancels reminders and nudges; at-risk and needs-human raise alerts).
 *
 * @example
 * const jobs = new JobsRuntime(deps, alerter, risk);
 * await jobs.start();
 */
export class JobsRuntime {
  private unsubscribe: (() => void) | undefined;
  private readonly recurring: Record<string, JobSpec>;

  constructor(
    private readonly deps: JobsDeps,
    private readonly alerter: Alerter,
    private readonly risk: RiskJobs | undefined,
  ) {
    this.recurring = { [ABANDONMENT_JOB]: abandonmentJob(deps), [RETENTION_JOB]: retentionJob(deps), [DIGEST_JOB]: digestJob(deps) };
    if (deps.settings.opsAlerts) this.recurring[OPS_ALERTS_JOB] = opsAlertsJob(deps, deps.settings.opsAlerts);
    const specs: Record<string, JobSpec> = { [REMINDER_JOB]: reminderJob(deps), [NUDGE_JOB]: nudgeJob(deps), ...this.recurring, ...risk?.specs };
    for (const [name, spec] of Object.entries(specs)) deps.scheduler.define(name, spec);
  }

  async start(): Promise<void> {
    await this.deps.scheduler.start();
    await this.ensureRecurring();
    // Returned, not voided: the bus waits for it in `idle()`.
    this.unsubscribe = this.deps.bus.subscribe((e) => this.onEvent(e));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.deps.scheduler.stop();
  }

  /** The interview-scheduling service other features call (HR `/schedule`, the console). */
  scheduleInterview(conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }): Promise<void> {
    return scheduleInterview(this.deps, conversationId, at, opts);
  }

  /** Record a job that failed every retry: logged by the scheduler, audited here. */
  async recordFailure(failure: FailingJob): Promise<void> {
    const { conversationId, candidateId } = failure.data;
    await recordEvents(this.deps, [
      {
        type: 'JobFailed',
        job: failure.name,
        error: failure.error,
        attempts: failure.attempts,
        ...(typeof conversationId === 'string' ? { conversationId } : {}),
        ...(typeof candidateId === 'string' ? { candidateId } : {}),
      },
    ]);
  }

  health(): Record<string, unknown> {
    const failing = this.deps.scheduler.failing();
    return {
      backend: this.deps.scheduler.backendName,
      failing: failing.map((f) => ({ job: f.name, key: f.key, attempts: f.attempts, error: f.error, at: f.at.toISOString(), retriesExhausted: f.exhausted })),
      alerts: { ...this.alerter.stats },
    };
  }

  private async ensureRecurring(): Promise<void> {
    const now = this.deps.clock.now();
    const recurring: [string, JobSpec][] = [...Object.entries(this.recurring), ...(this.risk?.recurring ?? []).map((n): [string, JobSpec] => [n, this.risk!.specs[n]!])];
    for (const [name, spec] of recurring) {
      // A run missed while Parley was down is still waiting, and runs now.
      if (await this.deps.scheduler.dueAt(name)) continue;
      await this.deps.scheduler.schedule({ name, key: name, runAt: spec.recurrence?.(now) ?? now, data: {} });
    }
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    try {
      if (e.type === 'MessageReceived' && e.conversationId) await armNudge(this.deps, e.conversationId, e.at);
      if ((e.type === 'CandidateOptedOut' || e.type === 'InterviewCancelled') && e.conversationId) await this.stopContact(e);
      if (e.type === 'CandidateAtRisk') await this.alertAtRisk(e);
      if (e.type === 'HumanRequested') await this.alertNeedsHuman(e);
      if (RISK_TRIGGERS.has(e.type) && e.candidateId) await this.risk?.recompute(e.candidateId);
      // An operator's or integration's erasure (console, API) is carried out now; the candidate's
      // own /delete (mid-conversation) and stage retention are completed by the daily clean-up.
      if (e.type === 'ErasureRequested' && e.actor !== 'candidate' && !e.actor.startsWith('system')) await completeErasures(this.deps);
    } catch (err) {
      this.deps.log.error({ err: errorMessage(err), eventType: e.type, eventId: e.id }, 'jobs: reacting to an event failed');
    }
  }

  private async stopContact(e: DomainEvent): Promise<void> {
    const ids = new Set([e.conversationId!]);
    if (e.type === 'CandidateOptedOut' && e.candidateId) {
      for (const c of await this.deps.store.listConversations({ candidateId: e.candidateId })) ids.add(c.id);
    }
    for (const id of ids) {
      await cancelReminders(this.deps, id);
      if (e.type === 'CandidateOptedOut') await this.deps.scheduler.cancel(nudgeKey(id));
    }
  }

  private async alertAtRisk(e: Extract<DomainEvent, { type: 'CandidateAtRisk' }>): Promise<void> {
    // Nothing anyone can do (the candidate opted out): the console shows the risk, no alert.
    if (e.recommendedAction === 'none') return;
    const candidate = e.candidateId ? await this.deps.store.getCandidate(e.candidateId) : undefined;
    const conversationId = e.conversationId ?? (candidate ? (await this.deps.store.listConversations({ candidateId: candidate.id, limit: 1 }))[0]?.id : undefined);
    if (!candidate || !conversationId) return;
    const text = atRiskText({ name: candidate.name, stage: candidate.stage, score: e.score, level: e.level, factors: e.factors, recommendedAction: e.recommendedAction });
    // One alert per candidate per risk episode, even if the episode's start were recorded twice.
    const episode = (await this.deps.store.kvGet<RiskEpisodeState>(RISK_STATE_NAMESPACE, candidate.id))?.episode?.id ?? e.id;
    await this.alerter.raise({ kind: 'at-risk', conversationId, candidateId: candidate.id, ...text }, `at-risk:${candidate.id}:${episode}`);
  }

  private async alertNeedsHuman(e: Extract<DomainEvent, { type: 'HumanRequested' }>): Promise<void> {
    if (!e.conversationId || !e.candidateId) return;
    const candidate = await this.deps.store.getCandidate(e.candidateId);
    await this.alerter.raise({ kind: 'needs-human', conversationId: e.conversationId, candidateId: e.candidateId, ...needsHumanText(candidate?.name, e.reason) }, `needs-human:${e.id}`);
  }
}
