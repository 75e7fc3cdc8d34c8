import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../core/domain/index.js';
import { addOperator, type CannedResponse, type ConsoleNotification, type ConversationSummary } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let ana: string;
let bo: string;
let vic: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  const operators = app.parley.ports.operators;
  await addOperator(operators, { email: 'ana@acme.test', name: 'Ana', role: 'recruiter', password: PASSWORD }, new Date());
  await addOperator(operators, { email: 'bo@acme.test', name: 'Bo', role: 'recruiter', password: PASSWORD }, new Date());
  await addOperator(operators, { email: 'vic@acme.test', name: 'Vic', role: 'viewer', password: PASSWORD }, new Date());
  ana = (await login(app.url, 'ana@acme.test', PASSWORD)).token;
  bo = (await login(app.url, 'bo@acme.test', PASSWORD)).token;
  vic = (await login(app.url, 'vic@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app.stop();
});

async function actions(conversationId?: string) {
  const events = await app.parley.store.listEvents({ types: ['OperatorAction'], ...(conversationId ? { conversationId } : {}) });
  return events.map((e) => (e.type === 'OperatorAction' ? e.action : e.type));
}

describe('internal notes', () => {
  it('are shown to operators watching the conversation, kept with it, audited, and never sent to the candidate', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    const anaSocket = await ConsoleClient.connect(app.url, ana);
    const boSocket = await ConsoleClient.connect(app.url, bo);
    await boSocket.ok('conversation:watch', { conversationId: c.conversationId });
    const from = c.received.length;

    const note = await anaSocket.ok('note:add', { conversationId: c.conversationId, text: 'Strong profile, call after 5pm' });
    expect(note).toMatchObject({ operatorName: 'Ana', text: 'Strong profile, call after 5pm' });
    expect(await boSocket.waitFor('note', (n) => n.id === note.id)).toEqual(note);
    const viaRest = await api(app.url, bo, `/conversations/${c.conversationId}/notes`, { method: 'POST', body: { text: 'Agreed' } });
    expect(viaRest.status).toBe(201);
    const listed = await api<{ notes: { text: string; operatorName: string }[] }>(app.url, vic, `/conversations/${c.conversationId}/notes`);
    expect(listed.body.notes.map((n) => `${n.operatorName}: ${n.text}`)).toEqual(['Ana: Strong profile, call after 5pm', 'Bo: Agreed']);

    // Every turn and send done: a note that reached the candidate would be in by now.
    await app.parley.engine.idle();
    expect(c.received.slice(from)).toEqual([]);
    expect((await app.parley.store.listMessages(c.conversationId)).some((m) => /Strong profile|Agreed/.test(m.text))).toBe(false);
    expect(await actions(c.conversationId)).toEqual(['note-added', 'note-added']);
    expect((await api(app.url, vic, `/conversations/${c.conversationId}/notes`, { method: 'POST', body: { text: 'viewer' } })).status).toBe(403);
    expect((await api(app.url, ana, `/conversations/${c.conversationId}/notes`, { method: 'POST', body: { text: '' } })).status).toBe(400);
    c.close();
    anaSocket.close();
    boSocket.close();
  });
});

describe('canned responses', () => {
  it('are created, listed, edited and deleted by recruiters, read by viewers, and every change is audited', async () => {
    const created = await api<CannedResponse>(app.url, ana, '/canned-responses', { method: 'POST', body: { title: 'Salary', text: 'The range for this role is shared after the first interview.' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Salary', createdBy: expect.stringMatching(/^op_/) });
    const other = await api<CannedResponse>(app.url, bo, '/canned-responses', { method: 'POST', body: { title: 'Availability', text: 'When are you free for a 30 minute call?' } });
    const listed = await api<{ cannedResponses: CannedResponse[] }>(app.url, vic, '/canned-responses');
    expect(listed.body.cannedResponses.map((r) => r.title)).toEqual(['Availability', 'Salary']);

    // A shared reply is changed by its author (or an admin: test/console-canned.test.ts), not by another recruiter.
    expect((await api(app.url, bo, `/canned-responses/${created.body.id}`, { method: 'PUT', body: { title: 'Salary range', text: 'It is 60-70k.' } })).status).toBe(403);
    expect((await api(app.url, ana, `/canned-responses/${other.body.id}`, { method: 'DELETE' })).status).toBe(403);
    const edited = await api<CannedResponse>(app.url, ana, `/canned-responses/${created.body.id}`, { method: 'PUT', body: { title: 'Salary range', text: 'It is 60-70k.' } });
    expect(edited.body).toMatchObject({ id: created.body.id, title: 'Salary range', text: 'It is 60-70k.' });
    expect((await api(app.url, bo, `/canned-responses/${other.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(app.url, bo, `/canned-responses/${other.body.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api<{ cannedResponses: CannedResponse[] }>(app.url, ana, '/canned-responses')).body.cannedResponses.map((r) => r.title)).toEqual(['Salary range']);

    const forbidden = await api<{ error: { code: string } }>(app.url, vic, '/canned-responses', { method: 'POST', body: { title: 'x', text: 'y' } });
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const invalid = await api<{ error: { message: string } }>(app.url, ana, '/canned-responses', { method: 'POST', body: { title: '', text: 'y' } });
    expect([invalid.status, invalid.body.error.message]).toEqual([400, 'Invalid canned response: title: title must not be empty']);
    expect((await actions()).filter((a) => a.startsWith('canned'))).toEqual(['canned-response-created', 'canned-response-created', 'canned-response-updated', 'canned-response-deleted']);
  });
});

describe('notifications', () => {
  it('are persisted with read state per operator', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.say('/human');
    const unreadFor = async (token: string) => (await api<{ notifications: ConsoleNotification[]; unread: number }>(app.url, token, '/notifications?unread=1')).body;
    await eventually(async () => (await unreadFor(ana)).notifications.some((n) => n.conversationId === c.conversationId && n.kind === 'needs-human'), 'the needs-human notification');
    const before = await unreadFor(bo);
    const mine = (await unreadFor(ana)).notifications.filter((n) => n.conversationId === c.conversationId);
    expect(mine.map((n) => n.kind).sort()).toEqual(['needs-human', 'new-candidate']);

    const socket = await ConsoleClient.connect(app.url, ana);
    const anaBefore = (await unreadFor(ana)).unread;
    expect(await socket.ok('notifications:read', { ids: mine.map((n) => n.id) })).toEqual({ unread: anaBefore - 2 });
    expect((await unreadFor(ana)).notifications.some((n) => n.conversationId === c.conversationId)).toBe(false);
    // Bo's are untouched.
    expect((await unreadFor(bo)).unread).toBe(before.unread);
    const all = await api<{ unread: number }>(app.url, bo, '/notifications/read', { method: 'POST', body: { all: true } });
    expect(all.body.unread).toBe(0);
    const history = await api<{ notifications: ConsoleNotification[] }>(app.url, bo, '/notifications');
    expect(history.body.notifications.every((n) => n.read)).toBe(true);
    c.close();
    socket.close();
  });
});

describe('catching up after a reconnect', () => {
  it('returns the conversations, messages and notifications that changed while the operator was away', async () => {
    const first = await ConsoleClient.connect(app.url, ana);
    const since = first.all('hello')[0]!.serverTime;
    first.close();

    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.ask('/human', /recruiter/i);

    const back = await ConsoleClient.connect(app.url, ana);
    await eventually(async () => {
      const r = await back.ok('sync', { since });
      return r.notifications.some((n) => n.conversationId === c.conversationId && n.kind === 'needs-human');
    }, 'the needs-human notification to be recorded');
    const missed = await back.ok('sync', { since });
    expect(missed.complete).toBe(true);
    expect(Date.parse(missed.serverTime)).toBeGreaterThan(Date.parse(since));
    const row = missed.conversations.find((s: ConversationSummary) => s.id === c.conversationId);
    expect(row).toMatchObject({ needsHuman: true, channel: 'webchat' });
    const texts = missed.messages.filter((m) => m.conversationId === c.conversationId).map((m) => `${m.author}: ${m.text}`);
    expect(texts).toEqual(expect.arrayContaining(['candidate: hi', 'candidate: /human']));
    expect(texts.some((t) => t.startsWith('bot: ') && /agree/.test(t))).toBe(true);
    // Nothing new since a sync taken well after the last change: no conversation, no message.
    await new Promise((r) => setTimeout(r, 2100));
    const later = await back.ok('sync', { since: missed.serverTime });
    const nothing = await back.ok('sync', { since: later.serverTime });
    expect([nothing.conversations, nothing.messages]).toEqual([[], []]);
    c.close();
    back.close();
  });
});

describe('transcripts and voice notes', () => {
  it('serves the transcript as text and a stored voice note (only from the data folder) to signed-in operators', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    const audio = Buffer.from('OggS fake opus bytes');
    mkdirSync(join(app.dataDir, 'audio'), { recursive: true });
    const voiceId = newId('msg');
    const storedPath = join(app.dataDir, 'audio', `${voiceId}.ogg`);
    writeFileSync(storedPath, audio);
    const now = new Date();
    const voice = { id: voiceId, conversationId: c.conversationId, channel: 'webchat' as const, direction: 'in' as const, author: 'candidate' as const, kind: 'voice' as const, text: 'I know React well', status: 'processed' as const, attempts: 0, createdAt: now, updatedAt: now };
    await app.parley.store.insertMessage({ ...voice, media: { providerRef: 'f1', mime: 'audio/ogg', durationSec: 3, storedPath, transcript: { text: 'I know React well', language: 'en' } } });
    const outside = { ...voice, id: newId('msg'), media: { providerRef: 'f2', storedPath: '/etc/passwd' } };
    await app.parley.store.insertMessage(outside);

    const detail = await api<{ messages: { id: string; media?: { audioUrl?: string; transcript?: { text: string } } }[] }>(app.url, vic, `/conversations/${c.conversationId}`);
    const shown = detail.body.messages.find((m) => m.id === voiceId);
    expect(shown?.media).toEqual({ mime: 'audio/ogg', durationSec: 3, audioUrl: `/api/v1/media/${voiceId}`, transcript: { text: 'I know React well', language: 'en' } });
    const res = await fetch(`${app.url}${shown!.media!.audioUrl!}`, { headers: { authorization: `Bearer ${vic}` } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(audio);
    expect((await fetch(`${app.url}${shown!.media!.audioUrl!}`)).status).toBe(401);
    expect((await api(app.url, vic, `/media/${outside.id}`)).status).toBe(404);

    const text = await api<string>(app.url, vic, `/conversations/${c.conversationId}/messages?format=text`);
    expect(text.headers.get('content-disposition')).toContain(`transcript-${c.conversationId}.txt`);
    expect(text.body.split('\n')[0]).toMatch(/^\[.+\] Candidate: hi$/);
    expect(text.body).toContain('Candidate [voice note]: I know React well');
    expect((await api(app.url, vic, '/conversations/conv_missing')).status).toBe(404);
    c.close();
  });
});
