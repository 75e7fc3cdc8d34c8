import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId, type Candidate } from '../core/domain/index.js';
import { addOperator, PUBLIC_API_BASE, SqliteOperatorStore } from '../operator-console/index.js';
import { login } from '../operator-console/testing.js';
import { apiClient, ContractChecker, validateSpec, type ApiAnswer } from './support/api-contract.js';
import { startParley, type TestParley } from './support/harness.js';

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
  await addOperator(new SqliteOperatorStore(app.parley.store.database), { email: 'vic@acme.test', name: 'Vic', role: 'viewer', password: PASSWORD }, new Date());
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
