import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { api, login } from '../operator-console/testing.js';
import { SqliteSearchIndex, type SearchHit } from '../operator-console/index.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { embeddedDb } from './support/embedded.js';

const EMAIL = 'admin@acme.test';
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let token: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: EMAIL, PARLEY_ADMIN_PASSWORD: PASSWORD });
  token = (await login(app.url, EMAIL, PASSWORD)).token;
});
afterAll(async () => {
  await app?.stop();
});

async function search(q: string): Promise<SearchHit[]> {
  const r = await api<{ results: SearchHit[] }>(app.url, token, `/search?q=${encodeURIComponent(q)}`);
  expect(r.status).toBe(200);
  return r.body.results;
}

/** A web chat candidate who has said `lines`, one after the other, each stored. */
async function candidateSaying(lines: string[]): Promise<{ client: ChatClient; conversationId: string }> {
  const client = await ChatClient.connect(app.url);
  for (const line of lines) await client.say(line);
  await eventually(() => client.conversationId !== '', 'the conversation');
  await eventually(async () => (await app.parley.store.listMessages(client.conversationId)).filter((m) => m.direction === 'in').length === lines.length, 'every message stored');
  return { client, conversationId: client.conversationId };
}

describe('console full-text search (GET /api/v1/search)', () => {
  it('finds a word from the middle of an old message, not only the last one, with the match marked', async () => {
    const { client, conversationId } = await candidateSaying(['hi', 'I moved to Kreuzberg in Berlin two years ago and love it', 'yes', 'Anything else?', 'ok thanks']);
    const hits = await search('kreuzberg');
    expect(hits).toEqual([expect.objectContaining({ kind: 'message', conversationId, snippet: expect.stringContaining('\u0002Kreuzberg\u0003') })]);
    // A prefix of two words, in any case.
    expect((await search('BERL kreuz')).map((h) => h.conversationId)).toEqual([conversationId]);
    // Words that were never said find nothing; punctuation only is no query.
    expect(await search('kreuzberg tokyo')).toEqual([]);
    expect(await search('"*)(')).toEqual([]);
    client.socket.close();
  }, 60_000);

  it('finds candidates by name, email and phone, and operators\' notes; an erased candidate is no longer found', async () => {
    const { client, conversationId } = await candidateSaying(['hello', 'My salary expectation is flexible']);
    const conversation = (await app.parley.store.getConversation(conversationId))!;
    const candidate = (await app.parley.store.getCandidate(conversation.candidateId))!;
    await app.parley.store.saveCandidate({ ...candidate, name: 'Zofia Wiśniewska', email: 'zofia.w@example.org', phone: '+48601234567' });
    expect((await api(app.url, token, `/conversations/${conversationId}/notes`, { method: 'POST', body: { text: 'Strong Rust background, call back on Thursday' } })).status).toBe(201);

    expect(await search('wisniewska')).toEqual([expect.objectContaining({ kind: 'candidate', conversationId, snippet: expect.stringContaining('\u0002Wiśniewska\u0003') })]);
    expect((await search('zofia.w@example.org')).map((h) => h.kind)).toEqual(['candidate']);
    expect((await search('48601234567')).map((h) => h.conversationId)).toEqual([conversationId]);
    expect(await search('thursday')).toEqual([expect.objectContaining({ kind: 'note', conversationId, snippet: expect.stringContaining('\u0002Thursday\u0003') })]);

    // The index is built from the file on start: a fresh connection finds the same.
    const db = new Database(embeddedDb(app.parley).name, { readonly: true });
    try {
      expect((await new SqliteSearchIndex(db).search('salary flexible')).map((h) => h.conversationId)).toEqual([conversationId]);
    } finally {
      db.close();
    }

    await app.parley.store.eraseCandidate!(candidate.id, new Date());
    for (const q of ['wisniewska', 'zofia', '48601234567', 'thursday', 'salary flexible']) expect(await search(q)).toEqual([]);
    client.socket.close();
  }, 60_000);
});
