import type { DomainEvent } from '../../core/domain/index.js';
import { digestText, nextDailyAt } from '../policy/index.js';
import type { JobsDeps } from '../runtime/deps.js';
import type { JobSpec } from '../scheduler/agenda-scheduler.js';

export const DIGEST_JOB = 'hr-digest';

const DAY = 86_400_000;
const CLOSED = new Set(['hired', 'rejected', 'withdrawn']);

type RiskEvent = Extract<DomainEvent, { type: 'RiskAssessed' }>;

/** The daily digest for HR chats: new candidates and completed interviews in the last day, who is at risk now. */
export function digestJob(deps: JobsDeps): JobSpec {
  return {
    recurrence: (now) => nextDailyAt(now, deps.settings.digestAtMinute),
    async run({ now }) {
      const broadcast = deps.services.hrBroadcast;
      if (!broadcast) return;
      const since = new Date(now.getTime() - DAY);
      const recent = await deps.store.listEvents({ types: ['ConversationStarted', 'InterviewCompleted'], after: since, limit: 100_000 });
      const newCandidates = new Set(recent.filter((e) => e.type === 'ConversationStarted').map((e) => e.candidateId)).size;
      const completedInterviews = [];
      for (const e of recent) {
        if (e.type !== 'InterviewCompleted' || !e.candidateId) continue;
        const c = await deps.store.getCandidate(e.candidateId);
        completedInterviews.push({ name: c?.name, role: c?.role, score: e.overallScore, recommendation: e.recommendation });
      }
      const atRisk = [];
      for (const risk of latestRiskPerCandidate(await deps.store.listEvents({ types: ['RiskAssessed'], limit: 1_000_000 }))) {
        if (risk.level !== 'high' || !risk.candidateId) continue;
        const c = await deps.store.getCandidate(risk.candidateId);
        if (!c || CLOSED.has(c.stage) || c.optedOut) continue;
        atRisk.push({ name: c.name, stage: c.stage, score: risk.score, factors: risk.factors });
      }
      await broadcast(digestText({ since, newCandidates, completedInterviews, atRisk }), 'digest');
    },
  };
}

function latestRiskPerCandidate(events: DomainEvent[]): RiskEvent[] {
  const latest = new Map<string, RiskEvent>();
  for (const e of events) if (e.type === 'RiskAssessed' && e.candidateId) latest.set(e.candidateId, e);
  return [...latest.values()];
}
