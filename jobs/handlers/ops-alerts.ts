import { errorMessage, type DomainEvent, type Stage } from '../../core/domain/index.js';
import { nextEvery } from '../policy/index.js';
import type { JobsDeps, OpsAlertSettings } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';

export const OPS_ALERTS_JOB = 'ops-alerts';
/** Open episodes (one key per stage spike and one for the queue): an alert goes out when a key is created. */
export const OPS_ALERTS_NAMESPACE = 'jobs.ops-alerts';

const MIN = 60_000;
const EXITS = new Set<Stage>(['rejected', 'withdrawn']);

interface Episode {
  since: string;
  detail: string;
}

type Transition = Extract<DomainEvent, { type: 'CandidateStateChanged' }>;

/**
 * The periodic operations check: a drop-off spike at a funnel stage, or a needs-human queue
 * that backs up, raises one console notification and one HR broadcast per episode. An episode
 * lasts while the condition holds (kept in the key-value store, so every node and restart sees
 * it); when the condition clears the episode ends and the next one alerts again.
 */
export function opsAlertsJob(deps: JobsDeps, s: OpsAlertSettings): JobSpec {
  return {
    recurrence: (now) => nextEvery(now, s.everyMs),
    async run({ now }) {
      await checkDropOffs(deps, s, now);
      await checkQueue(deps, s, now);
    },
  };
}

async function checkDropOffs(deps: JobsDeps, s: OpsAlertSettings, now: Date): Promise<void> {
  const windowStart = now.getTime() - s.windowMs;
  const since = new Date(windowStart - s.baselineWindows * s.windowMs);
  const exits = (await deps.store.listEvents({ types: ['CandidateStateChanged'], after: since, limit: 1_000_000 })).filter(
    (e): e is Transition => e.type === 'CandidateStateChanged' && EXITS.has(e.to) && !EXITS.has(e.from) && e.at.getTime() <= now.getTime(),
  );
  const stages = new Set<Stage>(exits.map((e) => e.from));
  for (const key of (await deps.store.kvList(OPS_ALERTS_NAMESPACE)).map((k) => k.key)) if (key.startsWith('dropoff:')) stages.add(key.slice(8) as Stage);
  for (const stage of stages) {
    const atStage = exits.filter((e) => e.from === stage);
    const recent = atStage.filter((e) => e.at.getTime() > windowStart);
    const baseline = (atStage.length - recent.length) / s.baselineWindows;
    const spike = recent.length >= s.minDropOffs && recent.length >= s.spikeFactor * baseline;
    const baselineText = baseline ? `${round(baseline)} per ${minutes(s.windowMs)} usually` : 'none usually';
    const latest = recent.at(-1);
    await episode(deps, `dropoff:${stage}`, spike, now, {
      title: `Drop-off spike at ${stage}`,
      body: `${recent.length} candidate${recent.length === 1 ? '' : 's'} left at the ${stage} stage in the last ${minutes(s.windowMs)} (${baselineText}).`,
      conversationId: latest ? await conversationOf(deps, latest) : undefined,
    });
  }
}

async function checkQueue(deps: JobsDeps, s: OpsAlertSettings, now: Date): Promise<void> {
  const waiting = await deps.store.listConversations({ needsHuman: true, limit: 10_000 });
  let oldest: { id: string; since: number } | undefined;
  for (const c of waiting) {
    const asked = await deps.store.listEvents({ conversationId: c.id, types: ['HumanRequested', 'NeedsHumanFlagged'] });
    const since = asked.at(-1)?.at.getTime() ?? c.updatedAt.getTime();
    if (!oldest || since < oldest.since) oldest = { id: c.id, since };
  }
  const waitedMs = oldest ? now.getTime() - oldest.since : 0;
  const backedUp = waiting.length > s.queueMax || (oldest !== undefined && waitedMs >= s.queueMaxWaitMs);
  await episode(deps, 'queue', backedUp, now, {
    title: 'Needs-human queue backed up',
    body: `${waiting.length} conversation${waiting.length === 1 ? '' : 's'} waiting for a recruiter; the oldest has waited ${minutes(waitedMs)}.`,
    conversationId: oldest?.id,
  });
}

/** Open the episode and alert when `active` and none is open; close it when not `active`. */
async function episode(deps: JobsDeps, key: string, active: boolean, now: Date, alert: { title: string; body: string; conversationId: string | undefined }): Promise<void> {
  const open = await deps.store.kvGet<Episode>(OPS_ALERTS_NAMESPACE, key);
  if (!active) {
    if (open) await deps.store.kvDelete(OPS_ALERTS_NAMESPACE, key);
    return;
  }
  if (open) return;
  await deps.store.kvSet(OPS_ALERTS_NAMESPACE, key, { since: now.toISOString(), detail: alert.body } satisfies Episode);
  deps.log.warn({ key, body: alert.body }, 'ops alert');
  const { notifyOperators, hrBroadcast } = deps.services;
  try {
    if (alert.conversationId) await notifyOperators?.({ conversationId: alert.conversationId, kind: key === 'queue' ? 'needs-human' : 'at-risk', title: alert.title, body: alert.body });
  } catch (err) {
    deps.log.error({ key, err: errorMessage(err) }, 'ops alert: console notification failed');
  }
  try {
    await hrBroadcast?.(`⚠️ ${alert.title}: ${alert.body}`, 'alert');
  } catch (err) {
    deps.log.error({ key, err: errorMessage(err) }, 'ops alert: HR broadcast failed');
  }
}

async function conversationOf(deps: JobsDeps, e: Transition): Promise<string | undefined> {
  if (e.conversationId) return e.conversationId;
  if (!e.candidateId) return undefined;
  return (await deps.store.listConversations({ candidateId: e.candidateId, limit: 1 }))[0]?.id;
}

function minutes(ms: number): string {
  const m = Math.round(ms / MIN);
  return m >= 120 && m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}
