import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { silentLogger } from '../core/ports/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';

/**
 * Stands in for the interview plugin's "3 answers in a row could not be understood": it sets
 * the flag on the conversation and says nothing else, so the console must notice the flag itself.
 */
const unparseableStandIn: PluginModule = {
  name: 'unparseable-stand-in',
  async create() {
    return {
      name: 'unparseable-stand-in',
      middleware: {
        preprocess: [
          async (ctx, next) => {
            if (!/^qwerty/.test(ctx.message.text)) return next();
            const streak = Number(ctx.conversation.state.standInStreak ?? 0) + 1;
            ctx.conversation.state = { ...ctx.conversation.state, standInStreak: streak };
            if (streak >= 3) ctx.conversation.needsHuman = true;
            ctx.reply(streak >= 3 ? 'A recruiter will join you.' : 'Sorry, I did not get that.');
          },
        ],
      },
    };
  },
};

let parley: Parley;
let dataDir: string;
let url: string;
let token: string;
let ana: ConsoleClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-console-esc-'));
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_ADMIN_EMAIL: 'ana@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, plugins: [...PLUGINS, unparseableStandIn] });
  await parley.start();
  url = parley.url;
  token = (await login(url, 'ana@acme.test', PASSWORD)).token;
  ana = await ConsoleClient.connect(url, token);
});
afterAll(async () => {
  ana.close();
  await parley.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function notificationsFor(conversationId: string, kind: string) {
  const operatorId = ana.all('hello')[0]!.operator.id;
  return (await parley.ports.workspace.listNotifications(operatorId)).filter((n) => n.conversationId === conversationId && n.kind === kind);
}

describe('auto-escalation to a human', () => {
  it('flags a candidate who asks for a human (/human) and notifies the operators once', async () => {
    const c = await ChatClient.connect(url);
    await c.ask('hi', /Do you agree/);
    await c.say('/human');
    const notice = await ana.waitFor('notification', (n) => n.conversationId === c.conversationId && n.kind === 'needs-human');
    expect(notice.title).toMatch(/asked for a recruiter$/);
    expect(notice.read).toBe(false);
    const row = await ana.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.needsHuman);
    expect(row.urgency).toBeGreaterThanOrEqual(1000);
    // Every turn, send and reaction to their events is done: a second alert would be stored by now.
    await parley.engine.idle();
    // The turn's notifyOperators effect and the HumanRequested event are one alert.
    expect(await notificationsFor(c.conversationId, 'needs-human')).toHaveLength(1);
    const list = await api<{ conversations: { id: string }[] }>(url, token, '/conversations?filter=needs-human');
    expect(list.body.conversations.map((s) => s.id)).toContain(c.conversationId);
    c.close();
  });

  it('flags a conversation the bot marked "needs human" in a turn (three unreadable answers)', async () => {
    const c = await ChatClient.connect(url);
    await c.ask('qwerty 1', /did not get that/);
    await c.ask('qwerty 2', /did not get that/);
    await c.ask('qwerty 3', /recruiter will join/);
    const notice = await ana.waitFor('notification', (n) => n.conversationId === c.conversationId && n.kind === 'needs-human');
    expect(notice).toMatchObject({ title: 'A candidate needs a recruiter', body: 'The bot flagged this conversation for a human.' });
    expect((await ana.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.needsHuman)).needsHuman).toBe(true);
    c.close();
  });

  it('raises an at-risk alert, flags the conversation and notifies when the risk job reports a candidate at risk', async () => {
    const c = await ChatClient.connect(url);
    await c.ask('hi', /Do you agree/);
    const factors = [{ name: 'silence', contribution: 0.5 }, { name: 'negative sentiment', contribution: 0.32 }];
    await parley.engine.mutate(c.conversationId, ({ conversation }) => ({
      conversation,
      events: [{ type: 'CandidateAtRisk', score: 0.82, level: 'high', factors, recommendedAction: 'Call them today' }],
      actor: 'system',
    }));
    const alert = await ana.waitFor('alert:at-risk', (a) => a.conversationId === c.conversationId);
    expect(alert).toMatchObject({ score: 0.82, level: 'high', factors, recommendedAction: 'Call them today' });
    const notice = await ana.waitFor('notification', (n) => n.conversationId === c.conversationId && n.kind === 'at-risk');
    expect(notice).toMatchObject({ title: 'Candidate at risk: unnamed candidate', body: 'Risk 0.82 (high) in intake. Top factors: silence (+0.50), negative sentiment (+0.32). Recommended: call them today.' });
    const row = await ana.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.needsHuman && s.risk?.atRisk === true);
    expect(row.risk).toMatchObject({ level: 'high', score: 0.82, atRisk: true, recommendedAction: 'Call them today' });
    expect(await parley.store.listEvents({ conversationId: c.conversationId, types: ['NeedsHumanFlagged'] })).toMatchObject([{ reason: 'Risk high (0.82): Call them today', actor: 'system' }]);
    await eventually(async () => (await notificationsFor(c.conversationId, 'at-risk')).length === 1, 'the at-risk notification');
    // Flagged by the alert: no second, generic needs-human notification.
    expect(await notificationsFor(c.conversationId, 'needs-human')).toEqual([]);
    const atRisk = await api<{ conversations: { id: string }[] }>(url, token, '/conversations?filter=at-risk');
    expect(atRisk.body.conversations.map((s) => s.id)).toEqual([c.conversationId]);
    c.close();
  });

  it('tells operators when an interview is completed', async () => {
    const c = await ChatClient.connect(url);
    await c.ask('hi', /Do you agree/);
    await parley.engine.mutate(c.conversationId, ({ conversation }) => ({ conversation, events: [{ type: 'InterviewCompleted', overallScore: 78, recommendation: 'advance' }], actor: 'bot' }));
    const notice = await ana.waitFor('notification', (n) => n.conversationId === c.conversationId && n.kind === 'interview-completed');
    expect(notice).toMatchObject({ title: 'A candidate finished the interview', body: 'Score 78/100, recommendation: advance.' });
    c.close();
  });
});
