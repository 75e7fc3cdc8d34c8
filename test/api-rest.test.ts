import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId, type Candidate } from '../core/domain/index.js';
import { addOperator, PUBLIC_API_BASE } from '../operator-console/index.js';
import { login } from '../operator-console/testing.js';
import { apiClient, ContractChecker, validateSpec, type ApiAnswer } from './support/api-contract.js';
import { CHILD_TEST_TIMEOUT_MS, runParleyCli } from './support/child.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let checker: ContractChecker;
let call: ReturnType<typeof apiClient>;
let admin: string;
let viewer: string;
let spec: Record<string, unknown>;

type Page = { data: { id: string; name?: string; stage: string }[]; nextCursor: string | null };
type Problem = { type: string; title: string; status: number; detail: string; code: string };

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'vic@acme.test', name: 'Vic', role: 'viewer', password: PASSWORD }, new Date());
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  viewer = (await login(app.url, 'vic@acme.test', PASSWORD)).token;
  spec = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
  checker = new ContractChecker(spec as never);
  call = apiClient(`${app.url}${PUBLIC_API_BASE}`, checker);
});
afterAll(async () => {
  await app?.stop();
});

async function createKey(scope: 'read' | 'write' | 'admin', name = `${scope} key`): Promise<{ id: string; key: string }> {
  const r = await call<{ id: string; key: string }>(admin, 'POST', '/api-keys', { body: { name, scope } });
  expect(r.status).toBe(201);
  return r.body;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1, generated from the routes, and valid', async () => {
    expect(spec['openapi']).toBe('3.1.0');
    const { valid, errors } = await validateSpec(spec);
    expect(errors).toBeUndefined();
    expect(valid).toBe(true);
    const paths = Object.keys(spec['paths'] as object);
    expect(paths).toEqual(expect.arrayContaining(['/candidates', '/candidates/{id}', '/conversations/{id}/takeover', '/api-keys', '/webhooks', '/audit']));
    // What subscriptions receive is documented too (OpenAPI 3.1 webhooks).
    expect(Object.keys(spec['webhooks'] as object)).toEqual(expect.arrayContaining(['interview.completed', 'candidate.feedback', 'conversation.handed_back']));
  });

  it('is rendered by the local docs page (no CDN)', async () => {
    const page = await fetch(`${app.url}/api/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${app.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect(await (await fetch(`${app.url}/api/docs/init.js`)).text()).toContain('/api/v1/openapi.json');
  });

  it('catches a response the spec does not describe', () => {
    expect(() => checker.check('GET', `${app.url}${PUBLIC_API_BASE}/candidates`, 200, 'application/json', { data: [{ id: 1 }], nextCursor: null })).toThrow(/does not match/);
    expect(() => checker.check('GET', `${app.url}${PUBLIC_API_BASE}/nowhere`, 200, 'application/json', {})).toThrow(/not in the OpenAPI spec/);
    expect(() => checker.check('GET', `${app.url}${PUBLIC_API_BASE}/candidates`, 418, 'application/json', {})).toThrow(/does not list/);
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, scoped, revocable, with their last use', async () => {
    const read = await createKey('read');
    const write = await createKey('write');
    expect(read.key).toMatch(/^pk_/);
    const listed = await call<{ data: Record<string, unknown>[] }>(admin, 'GET', '/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(read.key);
    expect(listed.body.data.find((k) => k['id'] === read.id)).not.toHaveProperty('lastUsedAt');
    // Only a hash is kept: the key appears nowhere in the database file.
    await app.parley.store.ping();
    const dbFiles = ['parley.db', 'parley.db-wal'].map((f) => join(app.dataDir, f));
    const bytes = dbFiles.map((f) => { try { return readFileSync(f).toString('latin1'); } catch { return ''; } }).join('');
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).not.toContain(read.key.slice(20));

    expect((await call(read.key, 'GET', '/candidates')).status).toBe(200);
    const refused = await call<Problem>(read.key, 'POST', '/candidates', { body: { name: 'Ada' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 403, code: 'FORBIDDEN', title: 'Forbidden' });
    expect((await call(write.key, 'POST', '/candidates', { body: { name: 'Ada' } })).status).toBe(201);
    expect((await call(write.key, 'GET', '/api-keys')).status).toBe(403);

    const used = await call<{ data: Record<string, unknown>[] }>(admin, 'GET', '/api-keys');
    expect(used.body.data.find((k) => k['id'] === read.id)?.['lastUsedAt']).toEqual(expect.any(String));

    expect((await call(admin, 'DELETE', `/api-keys/${read.id}`)).status).toBe(204);
    const revoked = await call<Problem>(read.key, 'GET', '/candidates');
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/revoked/);
    expect((await call(admin, 'DELETE', `/api-keys/${read.id}`)).status).toBe(404);
    expect((await call(undefined, 'GET', '/candidates')).status).toBe(401);
    expect((await call('pk_forged_key', 'GET', '/candidates')).status).toBe(401);
  });

  it('operator tokens follow the same role rules (a viewer cannot write)', async () => {
    expect((await call(viewer, 'GET', '/candidates')).status).toBe(200);
    expect((await call(viewer, 'POST', '/candidates', { body: { name: 'Bo' } })).status).toBe(403);
    expect((await call(viewer, 'POST', '/api-keys', { body: { name: 'x', scope: 'admin' } })).status).toBe(403);
  });
});

describe('candidates', () => {
  it('pages over 1,000 candidates with each exactly once, and filters', async () => {
    const base = Date.now();
    const made: Candidate[] = [];
    for (let i = 0; i < 1000; i++) {
      const at = new Date(base + i);
      made.push({ id: newId('cand'), name: `Bulk ${i}`, stage: i % 4 === 0 ? 'screening' : 'intake', optedOut: false, unreachable: false, createdAt: at, updatedAt: at });
    }
    await Promise.all(made.map((c) => app.parley.store.saveCandidate(c)));
    const key = await createKey('read', 'pager');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: ApiAnswer<Page> = await call<Page>(key.key, 'GET', `/candidates?q=Bulk&limit=37${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((c) => c.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(1000 / 37));
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(new Set(seen)).toEqual(new Set(made.map((c) => c.id)));

    const screening = await call<Page>(key.key, 'GET', '/candidates?q=Bulk&stage=screening&limit=200');
    expect(screening.body.data).toHaveLength(200);
    expect(screening.body.data.every((c) => c.stage === 'screening')).toBe(true);
    const one = await call<Page>(key.key, 'GET', '/candidates?q=Bulk%20999');
    expect(one.body.data.map((c) => c.name)).toEqual(['Bulk 999']);
    // Risk: the console's latest risk per conversation.
    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /agree to continue/);
    chat.close();
    const risky = (await app.parley.store.getConversation(chat.conversationId))!;
    await app.parley.ports.workspace.saveMarks({ conversationId: risky.id, unread: 0, needsHuman: false, risk: { level: 'high', score: 0.9, at: new Date().toISOString(), atRisk: true } });
    for (const risk of ['high', 'at-risk']) expect((await call<Page>(key.key, 'GET', `/candidates?risk=${risk}`)).body.data.map((c) => c.id)).toEqual([risky.candidateId]);
    expect((await call<Page>(key.key, 'GET', '/candidates?risk=low')).body.data).toEqual([]);
    expect((await call<Page>(key.key, 'GET', '/candidates?channel=webchat&q=Bulk')).body.data).toEqual([]);
    const bad = await call<Problem & { errors: string[] }>(key.key, 'GET', '/candidates?stage=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.join()).toMatch(/stage/);
  });

  it('POST honours Idempotency-Key; PATCH honours If-Match; both audited', async () => {
    const key = await createKey('write', 'ats');
    const headers = { 'idempotency-key': 'import-42' };
    const first = await call<{ id: string }>(key.key, 'POST', '/candidates', { body: { name: 'Grace Hopper', email: 'grace@navy.test' }, headers });
    const again = await call<{ id: string }>(key.key, 'POST', '/candidates', { body: { name: 'Grace Hopper', email: 'grace@navy.test' }, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const graces = (await call<Page>(key.key, 'GET', '/candidates?q=Grace%20Hopper')).body.data;
    expect(graces).toHaveLength(1);
    expect((await call(key.key, 'POST', '/candidates', { body: { name: 'Someone else' }, headers })).status).toBe(422);

    const read = await call<{ stage: string }>(key.key, 'GET', `/candidates/${first.body.id}`);
    const etag = read.headers.get('etag') as string;
    expect(etag).toBeTruthy();
    const moved = await call<{ stage: string }>(key.key, 'PATCH', `/candidates/${first.body.id}`, { body: { stage: 'screening' }, headers: { 'if-match': etag } });
    expect(moved.status).toBe(200);
    expect(moved.body.stage).toBe('screening');
    expect(moved.headers.get('etag')).not.toBe(etag);
    const stale = await call<Problem>(key.key, 'PATCH', `/candidates/${first.body.id}`, { body: { stage: 'rejected' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await call<{ stage: string }>(key.key, 'GET', `/candidates/${first.body.id}`)).body.stage).toBe('screening');
    expect((await call(key.key, 'GET', '/candidates/cand_missing')).status).toBe(404);

    const audit = await call<{ data: { type: string; action?: string; actor: string }[] }>(admin, 'GET', `/audit?candidateId=${first.body.id}`);
    expect(audit.body.data.map((e) => e.action ?? e.type)).toEqual(['CandidateStateChanged', 'candidate-updated', 'candidate-created']);
    expect(audit.body.data.every((e) => e.actor === `apikey:${key.id}`)).toBe(true);
    const byActor = await call<{ data: { actor: string }[] }>(admin, 'GET', `/audit?actor=apikey:${key.id}&type=CandidateStateChanged`);
    expect(byActor.body.data).toHaveLength(1);

    // Erasure: admin only; requested now (the retention job erases), audited.
    expect((await call(key.key, 'DELETE', `/candidates/${first.body.id}`)).status).toBe(403);
    const erased = await call<{ status: string }>(admin, 'DELETE', `/candidates/${first.body.id}`);
    expect(erased.status).toBe(202);
    const requested = await app.parley.store.listEvents({ candidateId: first.body.id, types: ['ErasureRequested'] });
    expect(requested.map((e) => e.actor)).toEqual([expect.stringMatching(/^operator:/)]);
    expect((await call(admin, 'DELETE', '/candidates/cand_missing')).status).toBe(404);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once a key used its minute', async () => {
    const limited = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, API_RATE_LIMIT_PER_MIN: '3' });
    try {
      const token = (await login(limited.url, 'admin@acme.test', PASSWORD)).token;
      const limitedCall = apiClient(`${limited.url}${PUBLIC_API_BASE}`, checker);
      const created = await limitedCall<{ key: string }>(token, 'POST', '/api-keys', { body: { name: 'busy', scope: 'read' } });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await limitedCall<Problem>(created.body.key, 'GET', '/roles'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      const wait = Number(answers[3]?.headers.get('retry-after'));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      // Per key: another key still gets through.
      const other = await limitedCall<{ key: string }>(token, 'POST', '/api-keys', { body: { name: 'quiet', scope: 'read' } });
      expect((await limitedCall(other.body.key, 'GET', '/roles')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe('conversations', () => {
  it('are listed and read with any key; takeover, send and handback act in an operator\'s name', async () => {
    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /agree to continue/);
    const key = await createKey('write', 'reader');
    const list = await call<{ data: { id: string; channel: string }[] }>(key.key, 'GET', '/conversations?limit=500');
    expect(list.body.data.find((c) => c.id === chat.conversationId)).toMatchObject({ channel: 'webchat' });
    const one = await call<{ candidateId: string; mode: string }>(key.key, 'GET', `/conversations/${chat.conversationId}`);
    expect(one.body.mode).toBe('bot');
    const messages = await call<{ data: { author: string; text: string }[] }>(key.key, 'GET', `/conversations/${chat.conversationId}/messages`);
    expect(messages.body.data.map((m) => m.author)).toEqual(expect.arrayContaining(['candidate', 'bot']));
    expect((await call(key.key, 'GET', '/conversations/conv_missing')).status).toBe(404);

    const asKey = await call<Problem>(key.key, 'POST', `/conversations/${chat.conversationId}/takeover`);
    expect(asKey.status).toBe(403);
    expect(asKey.body.detail).toMatch(/operator token/);
    const taken = await call<{ mode: string }>(admin, 'POST', `/conversations/${chat.conversationId}/takeover`);
    expect(taken.body.mode).toBe('human');
    const from = chat.received.length;
    const sent = await call<{ text: string }>(admin, 'POST', `/conversations/${chat.conversationId}/messages`, { body: { text: 'Hello from a recruiter' } });
    expect(sent.status).toBe(201);
    await chat.waitForBot(/Hello from a recruiter/, { from });
    const back = await call<{ mode: string }>(admin, 'POST', `/conversations/${chat.conversationId}/handback`);
    expect(back.body.mode).toBe('bot');
    const notHeld = await call<Problem>(admin, 'POST', `/conversations/${chat.conversationId}/messages`, { body: { text: 'too late' } });
    expect(notHeld.status).toBe(409);

    const scheduled = await call<{ data: unknown[] }>(key.key, 'GET', `/scheduled-interviews?from=${encodeURIComponent(new Date().toISOString())}`);
    expect(scheduled.body.data).toEqual([]);
    const noAssessment = await call<Problem>(key.key, 'GET', `/candidates/${one.body.candidateId}/assessment`);
    expect(noAssessment.status).toBe(404);
    const roles = await call<{ data: { id: string; title: string; skills: { questions: number }[] }[] }>(key.key, 'GET', '/roles');
    expect(roles.body.data.map((r) => r.title)).toContain('Python Developer');
    expect(roles.body.data.every((r) => r.skills.every((sk) => sk.questions > 0))).toBe(true);
    chat.close();
  });
});

describe('candidate data export', () => {
  async function candidateWithVoice(name: string, audio: Buffer): Promise<{ candidateId: string; conversationId: string }> {
    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /agree to continue/);
    await chat.ask('Yes, continue', /What is your name/);
    await chat.ask(name, /Which role/);
    chat.close();
    const conversation = (await app.parley.store.getConversation(chat.conversationId))!;
    mkdirSync(join(app.dataDir, 'media'), { recursive: true });
    const path = join(app.dataDir, 'media', `${conversation.id}.ogg`);
    writeFileSync(path, audio);
    const now = new Date();
    await app.parley.store.insertMessage({ id: newId('msg'), conversationId: conversation.id, channel: 'webchat', direction: 'in', author: 'candidate', kind: 'voice', text: `voice of ${name}`, media: { providerRef: 'test-upload', storedPath: path, mime: 'audio/ogg' }, status: 'processed', attempts: 0, createdAt: now, updatedAt: now });
    return { candidateId: conversation.candidateId, conversationId: conversation.id };
  }

  it('zips every record and audio file of the candidate and nothing of another; audited; admin only', async () => {
    const ada = await candidateWithVoice('Ada Exporter', Buffer.from('OggS-ada-voice-bytes'));
    const bob = await candidateWithVoice('Bob Bystander', Buffer.from('OggS-bob-voice-bytes'));
    const key = await createKey('write', 'not admin');
    expect((await call(key.key, 'GET', `/candidates/${ada.candidateId}/export`)).status).toBe(403);
    const r = await call<Buffer>(admin, 'GET', `/candidates/${ada.candidateId}/export`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(r.body));
    const names = Object.keys(files).sort();
    expect(names).toEqual(expect.arrayContaining(['profile.json', 'conversations.json', 'events.json', `messages/${ada.conversationId}.json`, `transcripts/${ada.conversationId}.txt`]));
    const text = (n: string) => Buffer.from(files[n] as Uint8Array).toString('utf8');
    expect(JSON.parse(text('profile.json'))).toMatchObject({ id: ada.candidateId, name: 'Ada Exporter' });
    const stored = await app.parley.store.listMessages(ada.conversationId);
    expect((JSON.parse(text(`messages/${ada.conversationId}.json`)) as { id: string }[]).map((m) => m.id)).toEqual(stored.map((m) => m.id));
    expect(text(`transcripts/${ada.conversationId}.txt`)).toContain('Ada Exporter');
    const events = await app.parley.store.listEvents({ candidateId: ada.candidateId });
    expect((JSON.parse(text('events.json')) as { id: string }[]).map((e) => e.id)).toEqual(expect.arrayContaining(events.filter((e) => e.type !== 'OperatorAction').map((e) => e.id)));
    const audio = names.filter((n) => n.startsWith('audio/'));
    expect(audio).toHaveLength(1);
    expect(Buffer.from(files[audio[0] as string] as Uint8Array).toString()).toBe('OggS-ada-voice-bytes');
    // Nothing of the other candidate, anywhere in the archive.
    const everything = names.map((n) => Buffer.from(files[n] as Uint8Array).toString('latin1')).join('\n');
    for (const other of ['Bob Bystander', bob.candidateId, bob.conversationId, 'bob-voice']) expect(everything).not.toContain(other);
    const audited = await app.parley.store.listEvents({ candidateId: ada.candidateId, types: ['OperatorAction'] });
    expect(audited.map((e) => (e.type === 'OperatorAction' ? e.action : ''))).toContain('candidate-exported');
  });
});

describe('the CLI', () => {
  it('creates a key that works at once (shown once), lists it, and revokes it', async () => {
    const env = { PARLEY_DATA_DIR: app.dataDir, LOG_LEVEL: 'silent' };
    const created = await runParleyCli(['api-keys', 'create', '--name', 'cli key', '--scope', 'read'], { env });
    expect(created.code).toBe(0);
    const key = /Key \(shown only this once\): (pk_\S+)/.exec(created.stdout)?.[1] as string;
    const id = /key (key_\S+) /.exec(created.stdout)?.[1] as string;
    expect(key).toBeTruthy();
    expect((await call(key, 'GET', '/roles')).status).toBe(200);
    const listed = await runParleyCli(['api-keys', 'list'], { env });
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).toMatch(new RegExp(`${id}\tcli key\tread\t.*last used`));
    expect((await runParleyCli(['api-keys', 'revoke', id], { env })).code).toBe(0);
    expect((await call(key, 'GET', '/roles')).status).toBe(401);
    expect((await runParleyCli(['api-keys', 'create', '--name', 'x', '--scope', 'root'], { env })).code).toBe(64);
  }, CHILD_TEST_TIMEOUT_MS);
});

describe('the contract', () => {
  it('every operation in the spec was exercised (and checked) by the API tests', async () => {
    // The webhook operations are exercised here too (the delivery tests live in api-webhooks.test.ts).
    const sub = await call<{ id: string }>(admin, 'POST', '/webhooks', { body: { url: 'https://93.184.215.14/hooks', events: ['candidate.created'], active: false } });
    expect({ status: sub.status, body: sub.body }).toMatchObject({ status: 201 });
    await call(admin, 'GET', '/webhooks');
    await call(admin, 'GET', `/webhooks/${sub.body.id}`);
    await call(admin, 'PATCH', `/webhooks/${sub.body.id}`, { body: { description: 'never active: nothing is sent' } });
    await call(admin, 'GET', `/webhooks/${sub.body.id}/deliveries`);
    expect((await call(admin, 'POST', `/webhooks/${sub.body.id}/deliveries/whd_none/resend`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/webhooks/${sub.body.id}`)).status).toBe(204);
    const missing = checker.operations().filter((op) => !checker.exercised.has(op));
    expect(missing).toEqual([]);
  });
});
