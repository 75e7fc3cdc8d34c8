import type { Express } from 'express';
import type { PluginServices } from './types.js';

/** One failing background job, as the console's System panel lists it. */
export interface FailingJobView {
  source: 'scheduler' | 'queue';
  job: string;
  count: number;
  error?: string;
  attempts?: number;
  at?: string;
  retriesExhausted?: boolean;
}

/**
 * The failing background jobs, from the same figures as /health details: scheduled jobs (Agenda)
 * whose last run failed, and BullMQ's failed counts per queue (cluster mode).
 */
export function failingJobs(details: Record<string, unknown>): { failing: FailingJobView[]; total: number } {
  const failing: FailingJobView[] = [];
  const jobs = details.jobs as { failing?: { job: string; error: string; attempts: number; at: string; retriesExhausted: boolean }[] } | undefined;
  for (const f of jobs?.failing ?? []) failing.push({ source: 'scheduler', job: f.job, count: 1, error: f.error, attempts: f.attempts, at: f.at, retriesExhausted: f.retriesExhausted });
  const queues = details.queues as Record<string, { failed?: number } | undefined> | undefined;
  for (const [name, counts] of Object.entries(queues ?? {})) if (counts?.failed) failing.push({ source: 'queue', job: name, count: counts.failed });
  return { failing, total: failing.reduce((n, f) => n + f.count, 0) };
}

/** GET /api/v1/system/jobs for a console operator (bearer token): `{ failing, total }`. */
export function systemJobsRoute(app: Express, services: PluginServices): void {
  app.get('/api/v1/system/jobs', async (req, res) => {
    const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token || !(await (services.isOperatorToken?.(token) ?? Promise.resolve(false)))) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'sign in to the console' } });
      return;
    }
    res.set('cache-control', 'no-store').json(failingJobs(services.healthDetails?.() ?? {}));
  });
}
