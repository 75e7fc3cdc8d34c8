/**
 * Operations alerts (issue 19, funnel): the periodic check on the jobs scheduler raises one
 * console notification and one HR broadcast when drop-offs at a stage spike or the needs-human
 * queue backs up, and none again while that episode lasts. Real app, test clock, SQLite jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parley } from '../bin/app.js';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { newId } from '../core/domain/index.js';
import { ManualClock } from '../core/ports/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
const broadcasts: string[] = [];

/** Records what the HR chats would get (Telegram/Teams are not configured here). */
const hrChatsStandIn: PluginModule = {
  name: 'hr-chats-stand-in',
  async create(ctx) {
    ctx.services.hrBroadcast = async (text) => {
      broadcasts.push(text);
    };
    return { name: 'hr-chats-stand-in' };
  },
};

let app: TestParley;
let parley: Parley;
let token: string;
const clock = new ManualClock(new Date('2026-03-10T10:01:00Z'));

beforeAll(async () => {
  app = await startParley(
    {
      PARLEY_ADMIN_EMAIL: 'ana@acme.test',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      JOBS_PROCESS_EVERY_MS: '50',
      JOBS_LOCK_LIFETIME_MS: '1000',
      OPS_ALERTS_EVERY_MIN: '15',
      OPS_DROPOFF_WINDOW_MIN: '60',
      OPS_DROPOFF_MIN: '3',
      OPS_QUEUE_MAX: '2',
      OPS_QUEUE_MAX_WAIT_MIN: '600',
    },
    { clock, plugins: [...PLUGINS, hrChatsStandIn] },
  );
  parley = app.parley;
  token = (await login(parley.url, 'ana@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app?.stop();
});

async function notifications(title: string): Promise<{ title: string; body: string; conversationId: string }[]> {
  const res = await api<{ notifications: { title: string; body: string; conversationId: string }[] }>(parley.url, token, '/notifications');
  expect(res.status).toBe(200);
  return res.body.notifications.filter((n) => n.title === title);
}

/** Move the clock to `at` and wait until the check due by then has run (its next run is later). */
async function runCheckAt(at: string): Promise<void> {
  clock.set(new Date(at));
  await eventually(async () => ((await parley.services.scheduler?.dueAt?.('ops-alerts'))?.getTime() ?? 0) > clock.now().getTime(), `the ops check at ${at}`);
}

/** Candidates who withdrew while at `stage`, recorded as the funnel reads them. */
async function dropOffs(n: number, stage: 'intake' | 'screening', at: Date): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await ChatClient.connect(parley.url);
    await c.ask('hi', /Do you agree/);
    const conversation = await parley.store.getConversation(c.conversationId);
    c.close();
    await parley.store.appendEvents([{ id: newId('evt'), type: 'CandidateStateChanged', from: stage, to: 'withdrawn', at, actor: 'candidate', conversationId: c.conversationId, candidateId: conversation!.candidateId }]);
  }
}

describe('operations alerts', () => {
  it('a backed-up needs-human queue alerts once per episode, in the console and the HR chats', async () => {
    const waiting: ChatClient[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await ChatClient.connect(parley.url);
      await c.ask('hi', /Do you agree/);
      await c.ask('/human', /.+/);
      waiting.push(c);
    }
    await eventually(async () => (await parley.store.listConversations({ needsHuman: true })).length === 3, 'three conversations waiting');
    expect(await notifications('Needs-human queue backed up')).toHaveLength(0);

    await runCheckAt('2026-03-10T10:15:00Z');
    const first = await notifications('Needs-human queue backed up');
    expect(first).toHaveLength(1);
    expect(first[0]!.body).toBe('3 conversations waiting for a recruiter; the oldest has waited 14 min.');
    expect(waiting.map((c) => c.conversationId)).toContain(first[0]!.conversationId);
    expect(broadcasts.filter((b) => b.includes('Needs-human queue backed up'))).toHaveLength(1);

    // Still backed up a quarter of an hour later: the same episode, no second alert.
    await runCheckAt('2026-03-10T10:30:00Z');
    expect(await notifications('Needs-human queue backed up')).toHaveLength(1);
    expect(broadcasts.filter((b) => b.includes('Needs-human queue backed up'))).toHaveLength(1);
    for (const c of waiting) c.close();
  });

  it('a drop-off spike at a stage alerts once while it lasts, and again for a new spike', async () => {
    // Baseline: one withdrawal at intake in the day before.
    await dropOffs(1, 'intake', new Date('2026-03-10T04:00:00Z'));
    await dropOffs(3, 'intake', new Date('2026-03-10T10:35:00Z'));
    // Two at screening: under the minimum, no alert.
    await dropOffs(2, 'screening', new Date('2026-03-10T10:36:00Z'));

    await runCheckAt('2026-03-10T10:45:00Z');
    const spike = await notifications('Drop-off spike at intake');
    expect(spike).toHaveLength(1);
    expect(spike[0]!.body).toBe('3 candidates left at the intake stage in the last 60 min (0.04 per 60 min usually).');
    expect(await notifications('Drop-off spike at screening')).toHaveLength(0);
    expect(broadcasts.filter((b) => b.includes('Drop-off spike at intake'))).toHaveLength(1);

    await runCheckAt('2026-03-10T11:00:00Z');
    expect(await notifications('Drop-off spike at intake')).toHaveLength(1);

    // The window moves past them: the episode ends; a new spike is a new episode.
    await runCheckAt('2026-03-10T11:45:00Z');
    expect(await notifications('Drop-off spike at intake')).toHaveLength(1);
    await dropOffs(3, 'intake', new Date('2026-03-10T11:50:00Z'));
    await runCheckAt('2026-03-10T12:00:00Z');
    expect(await notifications('Drop-off spike at intake')).toHaveLength(2);
    expect(broadcasts.filter((b) => b.includes('Drop-off spike at intake'))).toHaveLength(2);
  });
});
