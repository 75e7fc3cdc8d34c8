/**
 * Failed background jobs in the console (issue 14): GET /api/v1/system/jobs lists the scheduled
 * jobs whose last run failed (the same figures as /health details), for a signed-in operator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { failingJobs } from '../bin/plugins/system-jobs-route.js';
import { silentLogger } from '../core/ports/index.js';
import type { AgendaScheduler } from '../jobs/index.js';
import { api, login } from '../operator-console/testing.js';
import { eventually } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';

/** A feature whose scheduled job always fails (an export target that is down). */
const brokenJob: PluginModule = {
  name: 'broken-job',
  async create(ctx) {
    (ctx.services.scheduler as AgendaScheduler).define('ats-export', {
      async run() {
        throw new Error('ATS unreachable');
      },
    });
    return { name: 'broken-job' };
  },
};

let parley: Parley;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-system-'));
  const config = loadConfig({
    PORT: '1',
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PARLEY_ADMIN_EMAIL: 'ana@acme.test',
    PARLEY_ADMIN_PASSWORD: PASSWORD,
    JOBS_PROCESS_EVERY_MS: '50',
    JOBS_MAX_RETRIES: '0',
  });
  parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, plugins: [...PLUGINS, brokenJob] });
  await parley.start();
  token = (await login(parley.url, 'ana@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await parley.stop();
  rmSync(dataDir, { recursive: true, force: true });
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
