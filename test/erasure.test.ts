/**
 * Candidate data rights, end to end: candidates arrive through real channels (WhatsApp through
 * signed Meta webhooks with a voice note kept on disk, web chat over Socket.IO), an integration
 * erases one with an admin API key, a candidate erases themselves with /delete (completed by the
 * 02:00 retention job on a manual clock), and the SQLite file (WAL checkpointed) and every file
 * under the data folder are scanned for their name, phone and email. Retention per stage: a
 * rejected candidate is erased N days after the rejection, the others are kept.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import nock from 'nock';
import type { DomainEvent } from '../core/domain/index.js';
import { ManualClock } from '../core/ports/index.js';
import { ERASED_TEXT } from '../jobs/policy/index.js';
import { PUBLIC_API_BASE } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { embeddedDb } from './support/embedded.js';
import { fakeGraphSends, graphText, metaText, nockLoopbackOnly, postMeta, type GraphSend } from './support/whatsapp-webhooks.js';

const PASSWORD = 'correct-horse-battery';
const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };
const SECRET = 'meta-secret';
const ANA = { name: 'Ana Lima', phone: '+4915112345678', email: 'ana.lima@example.org' };
const CARLA = { name: 'Carla Dias', email: 'carla.dias@example.org' };

let app: TestParley | undefined;
let receiver: Server | undefined;
const chats: ChatClient[] = [];

nockLoopbackOnly();
afterEach(async () => {
  for (const c of chats.splice(0)) c.close();
  await app?.stop();
  app = undefined;
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  receiver = undefined;
  nock.cleanAll();
});

/** Every file under `dir` (the SQLite file, its WAL and shared memory, audio, secrets). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The terms found in the bytes of any file under the data folder, after a WAL checkpoint. */
async function foundOnDisk(t: TestParley, terms: string[]): Promise<string[]> {
  // Between group commits (a checkpoint cannot run inside the store's open write group).
  await eventually(() => !embeddedDb(t.parley).inTransaction, 'the store to commit');
  embeddedDb(t.parley).pragma('wal_checkpoint(TRUNCATE)');
  const files = filesUnder(t.dataDir);
  expect(files.some((f) => f.endsWith('.db'))).toBe(true);
  const found = new Set<string>();
  // As a whole address or name: another person's longer address that contains it is not a find.
  const patterns = terms.map((term) => [term, new RegExp(`(?<![A-Za-z0-9._%+-])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_%+-]|\\.[A-Za-z0-9])`, 'i')] as const);
  for (const f of files) {
    const text = readFileSync(f).toString('latin1');
    for (const [term, pattern] of patterns) if (pattern.test(text)) found.add(term);
  }
  return [...found].sort();
}

async function events(t: TestParley, candidateId: string, type: DomainEvent['type']): Promise<DomainEvent[]> {
  return t.parley.store.listEvents({ candidateId, types: [type] });
}

async function boot(clock: ManualClock, env: Record<string, string> = {}): Promise<{ t: TestParley; adminToken: string; key: string }> {
  const t = await startParley(
    {
      PARLEY_ADMIN_EMAIL: 'admin@acme.test',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://openai.test/v1',
      WHATSAPP_ACCESS_TOKEN: 'tok',
      WHATSAPP_PHONE_NUMBER_ID: '1111',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: 'v',
      WHATSAPP_GRAPH_URL: 'http://graph.test/v21.0',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      API_RATE_LIMIT_PER_MIN: '1000000',
      WEBHOOK_POLL_MS: '50',
      JOBS_PROCESS_EVERY_MS: '50',
      JOBS_LOCK_LIFETIME_MS: '1000',
      ...env,
    },
    { clock },
  );
  app = t;
  const adminToken = (await login(t.url, 'admin@acme.test', PASSWORD)).token;
  const created = await publicApi(t, adminToken, 'POST', '/api-keys', { name: 'ats', scope: 'admin' });
  expect(created.status).toBe(201);
  return { t, adminToken, key: ((await created.json()) as { key: string }).key };
}

function publicApi(t: TestParley, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${t.url}${PUBLIC_API_BASE}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

/** Ana on WhatsApp (Meta Cloud API, signed webhooks): consent, then her name as a voice note. */
async function anaOnWhatsApp(t: TestParley): Promise<string> {
  const graph: GraphSend[] = [];
  fakeGraphSends('http://graph.test/v21.0', '1111', graph);
  const sent = () => graph.map(graphText);
  nock('http://graph.test').get('/v21.0/1456734321337090').reply(200, { url: 'http://media.test/download/1456734321337090', mime_type: 'audio/ogg', id: '1456734321337090' });
  nock('http://media.test').get('/download/1456734321337090').reply(200, OGG, { 'content-type': 'audio/ogg' });
  nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
  let n = 0;
  const deliver = async (payload: unknown) => {
    const res = await postMeta(t.url, payload, SECRET);
    expect(res.status).toBe(200);
  };
  const text = (s: string) => metaText(s, `wamid.in.${++n}`);
  await deliver(text('hi'));
  await eventually(() => sent().some((s) => /agree to continue/.test(s)), 'consent question');
  await deliver(text('yes'));
  await eventually(() => sent().some((s) => /What is your name/.test(s)), 'name question');
  await deliver(fixture('whatsapp/meta/voice.json'));
  await eventually(() => sent().some((s) => /Nice to meet you, Ana Lima!/.test(s)), 'the answer to the voice note', 15_000);
  const conversation = await t.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: ANA.phone });
  // Her feedback names her (stored as FeedbackReceived, sent to the candidate.feedback webhook).
  await deliver(text(`/feedback Lovely chat! ${ANA.name} here, write to ${ANA.email}`));
  await eventually(async () => (await t.parley.store.listEvents({ conversationId: conversation!.id, types: ['FeedbackReceived'] })).length === 1, 'her feedback');
  return conversation!.id;
}

async function webchat(t: TestParley, name: string): Promise<ChatClient> {
  const c = await ChatClient.connect(t.url);
  chats.push(c);
  await c.ask('hi', /Do you agree/);
  await c.ask('yes', /What is your name/);
  await c.ask(name, /Which role/);
  return c;
}

describe('candidate erasure', () => {
  it('an API erasure and a /delete leave no name, phone or email in the SQLite file or the data folder; the other candidate and the audit stay', async () => {
    const clock = new ManualClock(new Date('2026-03-09T10:00:00Z'));
    const { t, adminToken, key } = await boot(clock);
    // A webhook subscription, so delivery payloads with the candidate's data are stored.
    const got: string[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const hook = await publicApi(t, key, 'POST', '/webhooks', { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`, events: ['candidate.stage_changed', 'candidate.feedback'] });
    expect(hook.status).toBe(201);

    const anaConversation = await anaOnWhatsApp(t);
    const ana = (await t.parley.store.getConversation(anaConversation))!.candidateId;
    const audio = (await t.parley.store.listMessages(anaConversation)).find((m) => m.kind === 'voice')?.media?.storedPath;
    expect(audio).toBeDefined();
    const audioFile = join(t.dataDir, audio!.startsWith(t.dataDir) ? audio!.slice(t.dataDir.length) : audio!);
    expect(existsSync(audioFile)).toBe(true);
    // The ATS adds her email and moves her on (a webhook delivery about her is logged); a recruiter writes a note.
    expect((await publicApi(t, key, 'PATCH', `/candidates/${ana}`, { email: ANA.email, stage: 'screening' })).status).toBe(200);
    expect((await api(t.url, adminToken, `/conversations/${anaConversation}/notes`, { method: 'POST', body: { text: `${ANA.name} prefers email: ${ANA.email}` } })).status).toBe(201);
    await eventually(() => got.some((b) => b.includes(ana) && b.includes('"to":"screening"')), 'the stage_changed webhook about her');
    const deliveriesAbout = (id: string) => (embeddedDb(t.parley).prepare('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE instr(body, ?) > 0').get(id) as { n: number }).n;
    expect(deliveriesAbout(ana)).toBeGreaterThan(0);
    await eventually(() => got.some((b) => b.includes('candidate.feedback') && b.includes(ANA.email)), 'the feedback webhook');
    const kvAbout = (id: string) => (embeddedDb(t.parley).prepare('SELECT COUNT(*) AS n FROM kv WHERE instr(key, ?) > 0 OR instr(value, ?) > 0').get(id, id) as { n: number }).n;
    await eventually(() => kvAbout(ana) > 0, 'her risk state');

    const bruno = await webchat(t, 'Bruno Costa');
    // Bruno's address contains Ana's: erasing her must not touch his note.
    const brunoId = (await t.parley.store.getConversation(bruno.conversationId))!.candidateId;
    expect((await publicApi(t, key, 'PATCH', `/candidates/${brunoId}`, { email: `x${ANA.email}` })).status).toBe(200);
    expect((await api(t.url, adminToken, `/conversations/${bruno.conversationId}/notes`, { method: 'POST', body: { text: `Bruno writes from x${ANA.email}` } })).status).toBe(201);
    const carla = await webchat(t, CARLA.name);
    const carlaId = (await t.parley.store.getConversation(carla.conversationId))!.candidateId;
    expect((await publicApi(t, key, 'PATCH', `/candidates/${carlaId}`, { email: CARLA.email })).status).toBe(200);

    // The scan sees them before erasure (it would find them if they were left).
    const terms = [ANA.name, ANA.phone, ANA.email, CARLA.name, CARLA.email];
    expect(await foundOnDisk(t, [...terms, 'Bruno Costa'])).toEqual([...terms, 'Bruno Costa'].sort());

    // The integration erases Ana: carried out at once.
    const erased = await publicApi(t, key, 'DELETE', `/candidates/${ana}`);
    expect(erased.status).toBe(202);
    await eventually(async () => (await events(t, ana, 'ErasureCompleted')).length === 1, 'the erasure to complete');
    expect(existsSync(audioFile)).toBe(false);
    expect(await foundOnDisk(t, [ANA.name, ANA.phone, ANA.email])).toEqual([]);
    // The API still answers for the id (no personal fields), and the pipeline keeps the conversation.
    const after = await publicApi(t, key, 'GET', `/candidates/${ana}`);
    expect(after.status).toBe(200);
    const afterBody = (await after.json()) as Record<string, unknown>;
    expect(afterBody).toMatchObject({ id: ana, stage: 'screening' });
    expect(afterBody['name']).toBeUndefined();
    expect(afterBody['email']).toBeUndefined();
    expect((await t.parley.store.listMessages(anaConversation)).every((m) => m.text === ERASED_TEXT && !m.media)).toBe(true);
    // Her webhook delivery payloads and the recruiter's note are gone from the console and the log.
    expect(deliveriesAbout(ana)).toBe(0);
    expect(kvAbout(ana)).toBe(0);
    // Bruno's note, which names an address containing hers, stays.
    const brunoNotes = await api<{ notes: { text: string }[] }>(t.url, adminToken, `/conversations/${bruno.conversationId}/notes`);
    expect(brunoNotes.status).toBe(200);
    expect(brunoNotes.body.notes.map((n) => n.text)).toEqual([`Bruno writes from x${ANA.email}`]);
    expect((await api<{ notes: unknown[] }>(t.url, adminToken, `/conversations/${anaConversation}/notes`)).body.notes).toEqual([]);

    // A recruiter erases Gil from the console (its Integrations view calls the API with the operator's token).
    const gil = await webchat(t, 'Gil Moreira');
    const gilId = (await t.parley.store.getConversation(gil.conversationId))!.candidateId;
    expect(await foundOnDisk(t, ['Gil Moreira'])).toEqual(['Gil Moreira']);
    expect((await publicApi(t, adminToken, 'DELETE', `/candidates/${gilId}`)).status).toBe(202);
    await eventually(async () => (await events(t, gilId, 'ErasureCompleted')).length === 1, 'the console erasure to complete');
    expect(await foundOnDisk(t, ['Gil Moreira'])).toEqual([]);
    expect((await events(t, gilId, 'ErasureRequested'))[0]?.actor).toMatch(/^operator:/);

    // Carla asks for her own data to be deleted; the 02:00 clean-up completes it.
    await carla.ask('/delete', /delete your data/);
    await carla.ask('yes', /deletion request is recorded/);
    expect(await foundOnDisk(t, [CARLA.name, CARLA.email])).toEqual([CARLA.email, CARLA.name].sort());
    clock.set(new Date('2026-03-10T02:00:00Z'));
    await eventually(async () => (await events(t, carlaId, 'ErasureCompleted')).length === 1, 'the retention job to erase Carla');
    await eventually(async () => (await t.parley.store.listEvents({ types: ['RetentionCleanup'] })).length === 1, 'the retention run to finish');
    expect(await foundOnDisk(t, [...terms, 'Bruno Costa'])).toEqual(['Bruno Costa']);

    // Bruno is untouched.
    const brunoConversation = (await t.parley.store.getConversation(bruno.conversationId))!;
    expect((await t.parley.store.getCandidate(brunoConversation.candidateId))?.name).toBe('Bruno Costa');
    expect((await t.parley.store.listMessages(bruno.conversationId)).map((m) => m.text)).toContain('Bruno Costa');
    expect((await t.parley.store.getCandidate(brunoConversation.candidateId))?.email).toBe(`x${ANA.email}`);

    // The audit: who asked, when, for which candidate id; what was removed.
    const [requested] = await events(t, ana, 'ErasureRequested');
    expect(requested?.actor).toMatch(/^apikey:/);
    const [completed] = await events(t, ana, 'ErasureCompleted');
    expect(completed).toMatchObject({ candidateId: ana, removed: expect.objectContaining({ audioFiles: 1, conversations: 1 }) });
    expect((await events(t, carlaId, 'ErasureRequested'))[0]?.actor).toBe('candidate');
    const audit = await publicApi(t, key, 'GET', `/audit?candidateId=${ana}`);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(await audit.json())).toMatch(/ErasureCompleted/);
  }, 120_000);

  it('ERASURE_COMPACT=daily: an API erasure rewrites the rows at once and the 02:00 run compacts the file', async () => {
    const clock = new ManualClock(new Date('2026-03-09T10:00:00Z'));
    const { t, key } = await boot(clock, { ERASURE_COMPACT: 'daily' });
    const hana = await webchat(t, 'Hana Nakamura');
    const ivo = await webchat(t, 'Ivo Pereira');
    const hanaId = (await t.parley.store.getConversation(hana.conversationId))!.candidateId;
    expect((await publicApi(t, key, 'DELETE', `/candidates/${hanaId}`)).status).toBe(202);
    await eventually(async () => (await events(t, hanaId, 'ErasureCompleted')).length === 1, 'the erasure to complete');
    expect((await t.parley.store.getCandidate(hanaId))?.name).toBeUndefined();
    expect((await t.parley.store.listMessages(hana.conversationId)).map((m) => m.text)).not.toContain('Hana Nakamura');
    clock.set(new Date('2026-03-10T02:00:00Z'));
    await eventually(async () => (await t.parley.store.listEvents({ types: ['RetentionCleanup'] })).length === 1, 'the retention run');
    expect(await foundOnDisk(t, ['Hana Nakamura', 'Ivo Pereira'])).toEqual(['Ivo Pereira']);
    expect((await t.parley.store.getCandidate((await t.parley.store.getConversation(ivo.conversationId))!.candidateId))?.name).toBe('Ivo Pereira');
  }, 120_000);

  it('retention per stage: a candidate rejected more than RETENTION_REJECTED_DAYS ago is erased by the daily job, others are kept', async () => {
    const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));
    const { t, key } = await boot(clock, { RETENTION_REJECTED_DAYS: '30' });
    /** Move the clock past a day's 02:00 and wait for the clean-up that runs then (stamped with that time). */
    const dailyRun = async (at: string) => {
      clock.set(new Date(at));
      await eventually(async () => (await t.parley.store.listEvents({ types: ['RetentionCleanup'] })).some((e) => e.at.getTime() === clock.now().getTime()), `the retention run at ${at}`);
    };
    // Dora and Eva apply on 1 February; Dora is rejected a month later (the time that counts).
    const dora = await webchat(t, 'Dora Rejected');
    const eva = await webchat(t, 'Eva Screening');
    const doraId = (await t.parley.store.getConversation(dora.conversationId))!.candidateId;
    const evaId = (await t.parley.store.getConversation(eva.conversationId))!.candidateId;
    await dailyRun('2026-03-01T02:00:00Z');
    clock.set(new Date('2026-03-01T10:00:00Z'));
    expect((await publicApi(t, key, 'PATCH', `/candidates/${doraId}`, { stage: 'rejected' })).status).toBe(200);
    expect((await publicApi(t, key, 'PATCH', `/candidates/${evaId}`, { stage: 'screening' })).status).toBe(200);
    // Fay applies and is rejected on 21 March (the 2 March clean-up runs late, then).
    await dailyRun('2026-03-21T10:00:00Z');
    const fay = await webchat(t, 'Fay Recent');
    const fayId = (await t.parley.store.getConversation(fay.conversationId))!.candidateId;
    expect((await publicApi(t, key, 'PATCH', `/candidates/${fayId}`, { stage: 'rejected' })).status).toBe(200);

    // 31 March 02:00: Dora's rejection (1 March 10:00) is not yet 30 days old, though she applied two months ago.
    await dailyRun('2026-03-31T02:00:00Z');
    expect(await events(t, doraId, 'ErasureRequested')).toHaveLength(0);
    // 1 April 02:00: over 30 days.
    await dailyRun('2026-04-01T02:00:00Z');
    expect(await events(t, doraId, 'ErasureCompleted')).toHaveLength(1);
    expect((await events(t, doraId, 'ErasureRequested'))[0]?.actor).toBe('system:retention');
    expect(await foundOnDisk(t, ['Dora Rejected', 'Eva Screening', 'Fay Recent'])).toEqual(['Eva Screening', 'Fay Recent']);
    expect((await t.parley.store.getCandidate(doraId))).toMatchObject({ stage: 'rejected', optedOut: true });
    expect((await t.parley.store.getCandidate(evaId))?.name).toBe('Eva Screening');
    expect((await t.parley.store.getCandidate(fayId))?.name).toBe('Fay Recent');
    expect(await events(t, fayId, 'ErasureRequested')).toHaveLength(0);
  }, 120_000);
});
