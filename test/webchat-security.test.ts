import { afterEach, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { loadConfig } from '../bin/config.js';
import type { WebchatAck } from '../channels/webchat/index.js';
import { ManualClock } from '../core/ports/index.js';
import { addOperator, type ConversationDetail, type ConversationSummary, type FunnelReport } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { embeddedDb } from './support/embedded.js';

const PASSWORD = 'correct-horse-battery';
const ADMIN = { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD };

let app: TestParley | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** A candidate who said hi and got the consent question: a real conversation. */
async function candidate(url: string): Promise<ChatClient> {
  const c = await ChatClient.connect(url);
  await c.ask('hi', /Do you agree/);
  return c;
}

/** Open a /webchat socket without a session, wait until the server has set it up (history), and keep it open. */
function anonymous(url: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('history', () => resolve(() => socket.close()));
    socket.once('connect_error', reject);
  });
}

async function consoleView(url: string, token: string) {
  const list = await api<{ conversations: ConversationSummary[] }>(url, token, '/conversations?limit=20');
  const funnel = await api<FunnelReport>(url, token, '/analytics/funnel');
  expect(list.status).toBe(200);
  expect(funnel.status).toBe(200);
  return { ids: list.body.conversations.map((c) => c.id).sort(), totalCandidates: funnel.body.totalCandidates, stages: funnel.body.stages };
}

describe('web chat: anonymous connections', () => {
  it('500 connections that never write create no candidate and leave the console list and funnel as they were', async () => {
    app = await startParley({ ...ADMIN, SOCKET_MAX_CONNECTIONS_PER_IP: '1000' });
    const { url } = app;
    const real = [await candidate(url), await candidate(url), await candidate(url)];
    const token = (await login(url, 'admin@acme.test', PASSWORD)).token;
    const before = await consoleView(url, token);
    expect(before.ids).toEqual(real.map((c) => c.conversationId).sort());
    const candidatesBefore = (await app.parley.store.listCandidates()).length;

    const closers: (() => void)[] = [];
    for (let batch = 0; batch < 10; batch++) closers.push(...(await Promise.all(Array.from({ length: 50 }, () => anonymous(url)))));
    const candidatesAfter = (await app.parley.store.listCandidates()).length;
    const conversationsAfter = (await app.parley.store.listConversations({ limit: 10_000 })).length;
    console.log(`500 anonymous web chat connections: candidates ${candidatesBefore} -> ${candidatesAfter}, conversations ${conversationsAfter}`);
    closers.forEach((close) => close());

    expect(candidatesAfter).toBe(candidatesBefore);
    expect(conversationsAfter).toBe(3);
    expect(await consoleView(url, token)).toEqual(before);
    real.forEach((c) => c.close());
  }, 120_000);

  it('the console list filters empty conversations in the query, so a flood of them cannot push real ones past the limit', async () => {
    app = await startParley(ADMIN);
    const { url } = app;
    const real = await candidate(url);
    // Empty conversations as older versions left them (created on connection), all newer than the real one.
    for (let i = 0; i < 30; i++) await app.parley.store.ensureConversation({ channel: 'webchat', externalId: `empty-${i}` }, { id: `empty-${i}` }, new Date(Date.now() + 60_000 + i));
    const token = (await login(url, 'admin@acme.test', PASSWORD)).token;
    const list = await api<{ conversations: ConversationSummary[] }>(url, token, '/conversations?limit=10');
    expect(list.body.conversations.map((c) => c.id)).toEqual([real.conversationId]);
    const funnel = await api<FunnelReport>(url, token, '/analytics/funnel');
    expect(funnel.body.totalCandidates).toBe(1);
    real.close();
  });

  it('caps the new chats one client address can start (WEBCHAT_NEW_SESSIONS_PER_IP); existing chats go on', async () => {
    app = await startParley({ WEBCHAT_NEW_SESSIONS_PER_IP: '3' });
    const { url } = app;
    const first = await candidate(url);
    const acks: WebchatAck[] = [];
    for (let i = 0; i < 4; i++) acks.push(await (await ChatClient.connect(url)).say('hi'));
    expect(acks.map((a) => a.ok)).toEqual([true, true, false, false]);
    expect(acks[3]).toEqual({ ok: false, error: expect.stringMatching(/Too many new chats/) });
    expect(await app.parley.store.listCandidates()).toHaveLength(3);
    await first.ask('Yes, continue', /What is your name\?/);
    first.close();
  });
});

describe('web chat: empty conversations and the risk sweep', () => {
  it('the sweep scores candidates who wrote and skips conversations nobody wrote in', async () => {
    const clock = new ManualClock(new Date('2026-03-10T10:00:00Z'));
    app = await startParley({ RISK_SWEEP_EVERY_MIN: '5', JOBS_PROCESS_EVERY_MS: '50', JOBS_LOCK_LIFETIME_MS: '1000' }, { clock });
    const store = app.parley.store;
    // Empty conversations as older versions left them, created (and so swept) before the real one.
    const empty = [];
    for (let i = 0; i < 5; i++) empty.push((await store.ensureConversation({ channel: 'webchat', externalId: `empty-${i}` }, { id: `empty-${i}` }, clock.now())).candidate.id);
    clock.advance(1000);
    const real = await candidate(app.url);
    const realId = (await store.getConversation(real.conversationId))!.candidateId;
    const assessedAt = async (id: string) => (await store.listEvents({ candidateId: id, types: ['RiskAssessed'] })).length;
    const before = await assessedAt(realId);

    // Two days of silence change the real candidate's score: the sweep records it, after the empty ones' turn.
    clock.advance(2 * 86_400_000);
    await eventually(async () => (await assessedAt(realId)) > before, 'the sweep to re-score the real candidate', 30_000);
    for (const id of empty) expect(await assessedAt(id)).toBe(0);
    real.close();
  }, 60_000);
});

describe('web chat: the session secret never leaves the browser', () => {
  it("nothing a viewer reads from the console connects as the candidate, and the secret is stored only hashed", async () => {
    app = await startParley(ADMIN);
    const { url } = app;
    const operators = app.parley.ports.operators;
    await addOperator(operators, { email: 'vic@acme.test', name: 'Vic', role: 'viewer', password: PASSWORD }, new Date());
    await addOperator(operators, { email: 'ana@acme.test', name: 'Ana', role: 'recruiter', password: PASSWORD }, new Date());
    const vic = (await login(url, 'vic@acme.test', PASSWORD)).token;
    const vicLive = await ConsoleClient.connect(url, vic);

    const c = await candidate(url);
    await c.ask('Yes, continue', /What is your name\?/);
    const ana = await ConsoleClient.connect(url, (await login(url, 'ana@acme.test', PASSWORD)).token);
    await ana.ok('takeover', { conversationId: c.conversationId });
    await ana.ok('message:send', { conversationId: c.conversationId, text: 'Hi, Ana from Acme here' });
    await c.waitForBot(/Ana from Acme/);
    await eventually(() => vicLive.received.some((r) => JSON.stringify(r.payload).includes('Ana from Acme')), 'the viewer to see the operator message live');

    const id = c.conversationId;
    const reads = await Promise.all(
      ['/conversations', `/conversations/${id}`, `/conversations/${id}/messages`, `/conversations/${id}/messages?format=text`, `/conversations/${id}/timeline`, `/conversations/${id}/notes`, '/analytics/funnel'].map(
        (path) => api(url, vic, path),
      ),
    );
    reads.forEach((r) => expect(r.status).toBe(200));
    const everything = JSON.stringify([reads.map((r) => r.body), vicLive.received]);
    expect(everything).not.toContain(c.sessionId);
    const detail = reads[1]!.body as ConversationDetail;
    expect(detail.ref.externalId).toMatch(/^wc_/);
    const messages = (reads[2]!.body as { messages: { author: string; authorId?: string }[] }).messages;
    expect(messages.filter((m) => m.author === 'candidate').map((m) => m.authorId)).toContain(detail.ref.externalId);

    // Every string the viewer saw, offered as a session: none resumes the candidate's chat.
    const strings = new Set<string>();
    (function walk(v: unknown): void {
      if (typeof v === 'string') v.split(/[^A-Za-z0-9_-]+/).filter((s) => s.length >= 16).forEach((s) => strings.add(s));
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    })([reads.map((r) => r.body), vicLive.received.map((r) => r.payload)]);
    expect(strings.has(detail.ref.externalId)).toBe(true);
    for (const offered of strings) {
      const intruder = await ChatClient.connect(url, offered);
      expect(intruder.history).toEqual([]);
      expect(intruder.sessionId).not.toBe(offered);
      intruder.close();
    }
    // ...and an operator's live reply reaches only the candidate.
    const intruder = await ChatClient.connect(url, detail.ref.externalId);
    await ana.ok('message:send', { conversationId: id, text: 'Second operator line' });
    await c.waitForBot(/Second operator line/);
    expect(intruder.received).toEqual([]);
    intruder.close();

    // The database holds the secret only as a hash.
    const db = embeddedDb(app.parley);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table}"`).all();
      expect(JSON.stringify(rows)).not.toContain(c.sessionId);
    }

    // The candidate still resumes with their own secret.
    const back = await ChatClient.connect(url, c.sessionId);
    expect(back.history.map((m) => m.text)).toContain('Hi, Ana from Acme here');
    [c, back].forEach((x) => x.close());
    ana.close();
    vicLive.socket.close();
  }, 60_000);
});

describe('web chat: rate limits count per session and per client, not per socket', () => {
  it('10 sockets on one session get at most WEBCHAT_RATE_LIMIT messages through per 10 seconds', async () => {
    app = await startParley({ WEBCHAT_RATE_LIMIT: '20' });
    const { url } = app;
    const owner = await ChatClient.connect(url);
    expect(await owner.say('hi')).toMatchObject({ ok: true });
    const sockets = await Promise.all(Array.from({ length: 10 }, () => ChatClient.connect(url, owner.sessionId)));
    expect(sockets.every((s) => s.conversationId === owner.conversationId)).toBe(true);

    const started = Date.now();
    const acks = await Promise.all(sockets.flatMap((s, k) => Array.from({ length: 20 }, (_, i) => s.say(`spam ${i}`, `socket${k}-msg${i}`))));
    const windows = Math.ceil((Date.now() - started) / 10_000);
    const accepted = acks.filter((a) => a.ok).length + 1;
    console.log(`10 sockets x 20 messages on one session: ${accepted} accepted (limit 20 per 10 s, ${windows} window(s))`);
    expect(accepted).toBeLessThanOrEqual(20 * windows);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && /too quickly/.test(a.error))).toBe(true);
    await eventually(async () => (await app!.parley.store.listPendingInbound()).length === 0, 'turns to finish', 30_000);
    const stored = (await app.parley.store.listMessages(owner.conversationId, { limit: 10_000 })).filter((m) => m.direction === 'in');
    expect(stored.length).toBe(accepted);
    [owner, ...sockets].forEach((s) => s.close());
  }, 60_000);

  it('sessions from one client address share WEBCHAT_IP_RATE_LIMIT', async () => {
    app = await startParley({ WEBCHAT_RATE_LIMIT: '20', WEBCHAT_IP_RATE_LIMIT: '30' });
    const clients = await Promise.all(Array.from({ length: 5 }, () => ChatClient.connect(app!.url)));
    const started = Date.now();
    const acks = await Promise.all(clients.flatMap((c) => Array.from({ length: 20 }, (_, i) => c.say(`hello ${i}`))));
    const windows = Math.ceil((Date.now() - started) / 10_000);
    const accepted = acks.filter((a) => a.ok).length;
    console.log(`5 sessions x 20 messages from one address: ${accepted} accepted (limit 30 per 10 s, ${windows} window(s))`);
    expect(accepted).toBeLessThanOrEqual(30 * windows);
    expect(accepted).toBeGreaterThan(0);
    clients.forEach((c) => c.close());
  }, 60_000);
});

describe('web chat: page headers', () => {
  it('/chat has a CSP with frame-ancestors from WEBCHAT_FRAME_ANCESTORS, nosniff, and the assets are nosniff', async () => {
    app = await startParley({ WEBCHAT_FRAME_ANCESTORS: 'https://careers.acme.test, https://*.acme-jobs.test' });
    const page = await fetch(`${app.url}/chat?embed=1`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'self' https://careers.acme.test https://*.acme-jobs.test");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBeNull();
    for (const asset of ['/widget.js', '/webchat/chat.js', '/webchat/chat.css']) {
      const res = await fetch(`${app.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses a WEBCHAT_FRAME_ANCESTORS value that is not a list of origins, naming it', () => {
    for (const bad of ["https://careers.acme.test; script-src 'unsafe-inline'", 'https://acme.test/jobs', "'none' https://acme.test", 'javascript:alert(1)']) {
      expect(() => loadConfig({ WEBCHAT_FRAME_ANCESTORS: bad })).toThrow(/WEBCHAT_FRAME_ANCESTORS: expected origins/);
    }
    expect(loadConfig({ WEBCHAT_FRAME_ANCESTORS: 'https://a.test,https://*.b.test:8443  c.test' }).WEBCHAT_FRAME_ANCESTORS).toEqual(['https://a.test', 'https://*.b.test:8443', 'c.test']);
  });

  it('without an allow-list the chat can only be framed by its own origin', async () => {
    app = await startParley();
    const page = await fetch(`${app.url}/chat`);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'(;|$)/);
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
