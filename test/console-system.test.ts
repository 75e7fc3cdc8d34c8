/**
 * Failed background jobs in the console (issue 14): GET /api/v1/system/jobs lists the scheduled
 * jobs whose last run failed (the same figures as /health details), for a signed-in operator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parley } from '../bin/app.js';
import { PLUGINS } from '../bin/plugins/index.js';
import { failingJobs } from '../bin/plugins/system-jobs-route.js';
import { api, login } from '../operator-console/testing.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { brokenJob } from './support/test-plugins.js';

const PASSWORD = 'correct-horse-battery';

let app: TestParley;
let parley: Parley;
let token: string;

beforeAll(async () => {
  app = await startParley(
    { PARLEY_ADMIN_EMAIL: 'ana@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, JOBS_PROCESS_EVERY_MS: '50', JOBS_MAX_RETRIES: '0' },
    { plugins: [...PLUGINS, brokenJob] },
  );
  parley = app.parley;
  token = (await login(parley.url, 'ana@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app?.stop();
});

type SystemJobs = { failing: { source: string; job: string; count: number; error?: string; retriesExhausted?: boolean }[]; total: number };

describe('failing background jobs', () => {
  it('lists nothing while every job runs, then the failed job with its error; 401 without a token', async () => {
    expect((await api(parley.url, undefined, '/system/jobs')).status).toBe(401);
    expect((await api(parley.url, 'not-a-token', '/system/jobs')).status).toBe(401);
    const before = await api<SystemJobs>(parley.url, token, '/system/jobs');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ failing: [], total: 0 });

    await parley.services.scheduler!.schedule({ name: 'ats-export', key: 'ats-export:1', runAt: new Date(), data: {} });
    await eventually(async () => (await api<SystemJobs>(parley.url, token, '/system/jobs')).body.total > 0, 'the failed job to show');
    const after = await api<SystemJobs>(parley.url, token, '/system/jobs');
    expect(after.body).toEqual({ failing: [expect.objectContaining({ source: 'scheduler', job: 'ats-export', count: 1, error: 'ATS unreachable', retriesExhausted: true })], total: 1 });
  });

  it("reads BullMQ's failed counts per queue from the cluster's /health figures", () => {
    // The shape bin/cluster.ts reports under /health details in cluster mode.
    const details = { node: 'n1', queues: { turns: { waiting: 0, active: 0, delayed: 0, failed: 2, completed: 9 }, outbound: { waiting: 1, active: 0, delayed: 0, failed: 0, completed: 4 } } };
    expect(failingJobs(details)).toEqual({ failing: [{ source: 'queue', job: 'turns', count: 2 }], total: 2 });
  });
});
