import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../core/domain/index.js';
import { assertPublicTarget, PUBLIC_API_BASE } from '../operator-console/index.js';
import { login } from '../operator-console/testing.js';
import { apiClient, ContractChecker } from './support/api-contract.js';
import { CHILD_TEST_TIMEOUT_MS, freePort, spawnParley, waitForReady, type ChildParley } from './support/child.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { countStatements } from './support/statement-log.js';
import { runScriptedInterview } from './support/scripted-interview.js';

const PASSWORD = 'correct-horse-battery';
// Tests poll the delivery log every 10 ms: the per-key rate limit (tested in api-rest) stays out of the way.

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/** A webhook receiver on loopback: records every request; `respond` decides the answer (undefined: never answer). */
class Receiver {
  readonly received: Received[] = [];
  respond: (n: number) => number | undefined = () => 200;
  private readonly server: Server;
  private readonly hanging: ServerResponse[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
        const status = this.respond(this.received.length);
        if (status === undefined) this.hanging.push(res);
        else res.writeHead(status).end();
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hooks/parley`;
    return this;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.json.type === type);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** What a receiver does: recompute the HMAC over `t + "." + body` with the subscription's secret. */
function signatureValid(r: Received, secret: string): boolean {
  const header = String(r.headers['parley-signature'] ?? '');
  const t = /t=(\d+)/.exec(header)?.[1];
  const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
  if (!t || !v1) return false;
  return createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex') === v1;
}

let app: TestParley;
let call: ReturnType<typeof apiClient>;
let checker: ContractChecker;
let admin: string;
let receiver: Receiver;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', API_RATE_LIMIT_PER_MIN: '1000000', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' });
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  const spec = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as never;
  checker = new ContractChecker(spec);
  call = apiClient(`${app.url}${PUBLIC_API_BASE}`, checker);
});
afterAll(async () => {
  await app?.stop();
});
afterEach(async () => {
  await receiver?.close();
});

async function subscribe(events: string[], url = receiver.url): Promise<{ id: string; secret: string }> {
  const r = await call<{ id: string; secret: string }>(admin, 'POST', '/webhooks', { body: { url, events } });
  expect(r.status).toBe(201);
  return r.body;
}

type Delivery = { id: string; eventId: string; status: string; attempts: number; lastStatusCode?: number };
async function deliveries(subscriptionId: string): Promise<Delivery[]> {
  return (await call<{ data: Delivery[] }>(admin, 'GET', `/webhooks/${subscriptionId}/deliveries`)).body.data;
}

describe('signed webhooks out', () => {
  it('a loopback receiver gets interview.completed with the full assessment and a valid signature', async () => {
    receiver = await new Receiver().listen();
    const sub = await subscribe(['interview.completed']);
    const chat = await runScriptedInterview(app.url, { name: 'Ada Webhook', roleTitle: 'Python Developer', policy: 'strong' });
    await eventually(() => receiver.of('interview.completed').length > 0, 'interview.completed delivered');
    const [hit] = receiver.of('interview.completed');
    expect(hit && signatureValid(hit, sub.secret)).toBe(true);
    expect(hit && signatureValid(hit, 'whsec_wrong')).toBe(false);
    expect(hit?.headers['parley-event-id']).toBe(hit?.json.id);
    const data = hit?.json.data as { conversationId: string; assessment: { status: string; overallScore: number; candidateName: string; answers: unknown[] } };
    expect(data.conversationId).toBe(chat.conversationId);
    expect(data.assessment).toMatchObject({ status: 'completed', candidateName: 'Ada Webhook' });
    expect(data.assessment.answers.length).toBeGreaterThan(0);
    await eventually(async () => (await deliveries(sub.id))[0]?.status === 'delivered', 'delivery logged');
    chat.close();
  }, 120_000);

  it('a receiver answering 500 then 200 gets the event delivered once more, with the same event id', async () => {
    receiver = await new Receiver().listen();
    receiver.respond = (n) => (n === 1 ? 500 : 200);
    const sub = await subscribe(['candidate.stage_changed']);
    const created = await call<{ id: string }>(admin, 'POST', '/candidates', { body: { name: 'Retry Rita' } });
    expect((await call(admin, 'PATCH', `/candidates/${created.body.id}`, { body: { stage: 'screening' } })).status).toBe(200);
    await eventually(async () => (await deliveries(sub.id))[0]?.status === 'delivered', 'delivered after a retry');
    const [log] = await deliveries(sub.id);
    expect(log).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
    expect(receiver.received.map((r) => r.json.id)).toEqual([log?.eventId, log?.eventId]);
    expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
    expect(receiver.received[1]?.json).toMatchObject({ type: 'candidate.stage_changed', data: { candidateId: created.body.id, from: 'new', to: 'screening' } });
    // Marked delivered (nothing due any more) after exactly two requests.
    expect(receiver.received).toHaveLength(2);

    // Resend from the log: the same event id again.
    const resent = await call<Delivery>(admin, 'POST', `/webhooks/${sub.id}/deliveries/${log?.id}/resend`);
    expect(resent.status).toBe(202);
    await eventually(() => receiver.received.length === 3, 'resent');
    expect(receiver.received[2]?.json.id).toBe(log?.eventId);
  }, 60_000);

  it('sends nothing for a change that rolled back', async () => {
    receiver = await new Receiver().listen();
    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /agree to continue/);
    chat.close();
    await app.parley.engine.idle();
    // Subscribed after the chat's own stage change (new -> intake): only later events count.
    const sub = await subscribe(['candidate.stage_changed']);
    const conversation = (await app.parley.store.getConversation(chat.conversationId))!;
    const now = new Date();
    const doomed = { id: newId('evt'), type: 'CandidateStateChanged' as const, at: now, actor: 'test', conversationId: conversation.id, candidateId: conversation.candidateId, from: 'intake' as const, to: 'rejected' as const };
    // The second event cannot be written (a BigInt does not serialise): the whole turn, first event included, rolls back.
    const unwritable = { ...doomed, id: newId('evt'), extra: BigInt(1) } as unknown as typeof doomed;
    await expect(app.parley.store.commitTurn({ conversation, messages: [], events: [doomed, unwritable] })).rejects.toThrow();
    expect((await app.parley.store.listEvents({ types: ['CandidateStateChanged'], candidateId: conversation.candidateId })).map((e) => e.id)).not.toContain(doomed.id);

    // A committed change after it: once that one is delivered, the worker has passed the rolled-back one.
    expect((await call(admin, 'PATCH', `/candidates/${conversation.candidateId}`, { body: { stage: 'screening' } })).status).toBe(200);
    await eventually(async () => (await deliveries(sub.id)).some((d) => d.status === 'delivered'), 'the committed change delivered');
    expect(receiver.received.map((r) => r.json.data['to'])).toEqual(['screening']);
    expect(receiver.received.some((r) => r.json.id === doomed.id)).toBe(false);
  });

  it('retries with backoff and marks a delivery failed once the retry window is over', async () => {
    const quick = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', API_RATE_LIMIT_PER_MIN: '1000000', WEBHOOK_POLL_MS: '20', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_HOURS: '0.001' });
    try {
      receiver = await new Receiver().listen();
      receiver.respond = () => 503;
      const token = (await login(quick.url, 'admin@acme.test', PASSWORD)).token;
      const quickCall = apiClient(`${quick.url}${PUBLIC_API_BASE}`, checker);
      const sub = await quickCall<{ id: string }>(token, 'POST', '/webhooks', { body: { url: receiver.url, events: ['candidate.created'] } });
      expect((await quickCall(token, 'POST', '/candidates', { body: { name: 'Never Delivered' } })).status).toBe(201);
      let log: Delivery | undefined;
      await eventually(async () => {
        log = (await quickCall<{ data: Delivery[] }>(token, 'GET', `/webhooks/${sub.body.id}/deliveries`)).body.data[0];
        return log?.status === 'failed';
      }, 'the delivery marked failed', 60_000);
      expect(log).toMatchObject({ status: 'failed', lastStatusCode: 503 });
      expect(log?.attempts).toBeGreaterThanOrEqual(2);
      expect(receiver.received.length).toBe(log?.attempts);
      expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(1);
    } finally {
      await quick.stop();
    }
  }, 90_000);

  it('reads no event while nobody is subscribed, and a subscription made later gets what follows it (issue 13)', async () => {
    const idle = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', API_RATE_LIMIT_PER_MIN: '1000000', WEBHOOK_POLL_MS: '20' });
    // This app's statements only: the shared app's dispatcher, with its subscriptions, reads events.
    const sql = countStatements({ file: idle.parley.embedded!.database.name });
    try {
      const { webhooks } = idle.parley.ports.publicApi;
      const chat = await ChatClient.connect(idle.url);
      await chat.ask('hi', /agree to continue/);
      chat.close();
      await idle.parley.engine.idle();
      // Two of the dispatcher's passes (each ends by counting deliveries) after the chat's events.
      const seen = sql.take();
      let passes = 0;
      await eventually(() => {
        const more = sql.take();
        seen.push(...more);
        passes += more.filter((q) => q.startsWith('SELECT status, COUNT(*) AS n FROM webhook_deliveries')).length;
        return passes >= 2;
      }, 'two webhook dispatcher passes');
      expect(seen.filter((q) => q.startsWith('SELECT seq, doc FROM events WHERE seq >'))).toEqual([]);
      // Its cursor moves past the events all the same (ConversationStarted, stage changes...).
      await eventually(async () => {
        const cursor = await webhooks.cursor();
        return cursor === (await webhooks.lastCursor!(cursor));
      }, 'the webhook cursor past every event');

      receiver = await new Receiver().listen();
      const token = (await login(idle.url, 'admin@acme.test', PASSWORD)).token;
      const idleCall = apiClient(`${idle.url}${PUBLIC_API_BASE}`, checker);
      const sub = await idleCall<{ id: string }>(token, 'POST', '/webhooks', { body: { url: receiver.url, events: ['candidate.created', 'candidate.stage_changed'] } });
      expect(sub.status).toBe(201);
      const created = await idleCall<{ id: string }>(token, 'POST', '/candidates', { body: { name: 'Later Lee' } });
      expect(created.status).toBe(201);
      await eventually(async () => (await idleCall<{ data: Delivery[] }>(token, 'GET', `/webhooks/${sub.body.id}/deliveries`)).body.data.some((d) => d.status === 'delivered'), 'the new candidate delivered');
      // What happened before the subscription (the chat's candidate and stage change) is not sent.
      expect(receiver.received.map((r) => [r.json.type, r.json.data['candidateId']])).toEqual([['candidate.created', created.body.id]]);
    } finally {
      sql.restore();
      await idle.stop();
    }
  }, 60_000);

  it('refuses private, loopback and link-local targets that are not allowed', async () => {
    for (const url of ['http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/x', 'http://127.0.0.2:9/x', 'http://[fe80::1]/x', 'http://192.168.1.20/x', 'http://[::ffff:10.0.0.1]/x', 'http://[::ffff:7f00:1]/x']) {
      const r = await call<{ detail: string }>(admin, 'POST', '/webhooks', { body: { url, events: ['candidate.created'] } });
      expect({ url, status: r.status }).toEqual({ url, status: 400 });
      expect(r.body.detail).toMatch(/private, loopback or link-local/);
    }
    // A host name is judged by what it resolves to: localhost is loopback unless allowed.
    await expect(assertPublicTarget('http://localhost:9/x', new Set())).rejects.toThrow(/private, loopback or link-local/);
    await expect(assertPublicTarget('http://localhost:9/x', new Set(['localhost']))).resolves.toBeUndefined();
    // A public address is accepted (no DNS needed for a literal).
    await expect(assertPublicTarget('https://93.184.215.14/hooks', new Set())).resolves.toBeUndefined();
    const list = await call<{ data: { url: string }[] }>(admin, 'GET', '/webhooks');
    expect(list.body.data.some((s) => /10\.0\.0\.5|169\.254|::1|127\.0\.0\.2|fe80|192\.168/.test(s.url))).toBe(false);
  });

  it('subscriptions are read, changed and deleted through the API; keys without admin cannot', async () => {
    receiver = await new Receiver().listen();
    const sub = await subscribe(['candidate.created']);
    const got = await call<{ events: string[]; active: boolean }>(admin, 'GET', `/webhooks/${sub.id}`);
    expect(got.body).toMatchObject({ events: ['candidate.created'], active: true });
    expect(JSON.stringify(got.body)).not.toContain(sub.secret);
    const paused = await call<{ active: boolean }>(admin, 'PATCH', `/webhooks/${sub.id}`, { body: { active: false } });
    expect(paused.body.active).toBe(false);
    const key = await call<{ key: string }>(admin, 'POST', '/api-keys', { body: { name: 'writer', scope: 'write' } });
    expect((await call(key.body.key, 'GET', '/webhooks')).status).toBe(403);
    expect((await call(admin, 'DELETE', `/webhooks/${sub.id}`)).status).toBe(204);
    expect((await call(admin, 'GET', `/webhooks/${sub.id}`)).status).toBe(404);
  });
});

describe('webhook outbox across a crash', () => {
  const children: ChildParley[] = [];
  afterAll(() => children.splice(0).forEach((c) => c.proc.kill('SIGKILL')));

  it('kill -9 after the change committed and before the delivery completed: delivered after restart, same event id', async () => {
    receiver = await new Receiver().listen();
    // The first attempt never gets an answer: the process dies mid-delivery.
    receiver.respond = (n) => (n === 1 ? undefined : 200);
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-webhook-crash-'));
    const port = String(await freePort());
    const url = `http://127.0.0.1:${port}`;
    const env = { PORT: port, HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'info', PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', API_RATE_LIMIT_PER_MIN: '1000000', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' };
    try {
      const doomed = spawnParley(env);
      children.push(doomed);
      await waitForReady(doomed, undefined, url);
      const token = (await login(url, 'admin@acme.test', PASSWORD)).token;
      const spec = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as never;
      const childCall = apiClient(`${url}${PUBLIC_API_BASE}`, new ContractChecker(spec));
      const sub = await childCall<{ id: string; secret: string }>(token, 'POST', '/webhooks', { body: { url: receiver.url, events: ['candidate.created'] } });
      const created = await childCall<{ id: string }>(token, 'POST', '/candidates', { body: { name: 'Crash Carla' } });
      expect(created.status).toBe(201);
      await eventually(() => receiver.received.length === 1, 'first attempt in flight', 60_000);
      doomed.proc.kill('SIGKILL');
      await doomed.exited;

      receiver.respond = () => 200;
      const revived = spawnParley(env);
      children.push(revived);
      await waitForReady(revived, undefined, url);
      await eventually(() => receiver.received.length === 2, 'delivered after restart', 60_000);
      const [first, second] = receiver.received;
      expect(second?.json.id).toBe(first?.json.id);
      expect(second?.json).toMatchObject({ type: 'candidate.created', data: { candidate: { id: created.body.id, name: 'Crash Carla' } } });
      expect(second && signatureValid(second, sub.body.secret)).toBe(true);
      const token2 = (await login(url, 'admin@acme.test', PASSWORD)).token;
      await eventually(async () => {
        const r = await childCall<{ data: Delivery[] }>(token2, 'GET', `/webhooks/${sub.body.id}/deliveries`);
        return r.body.data[0]?.status === 'delivered';
      }, 'delivery logged as delivered', 60_000);
      revived.proc.kill('SIGTERM');
      await revived.exited;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, CHILD_TEST_TIMEOUT_MS);
});
