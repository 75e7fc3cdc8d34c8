import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationSummary } from '../operator-console/contract.js';
import { addOperator } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: string;
let viewer: string;
let candidate: ChatClient;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'vic@acme.test', name: 'Vic Viewer', role: 'viewer', password: PASSWORD }, new Date());
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  viewer = (await login(app.url, 'vic@acme.test', PASSWORD)).token;
  candidate = await ChatClient.connect(app.url);
  await candidate.say('hi');
  await eventually(() => candidate.conversationId !== '', 'the conversation');
});
afterAll(async () => {
  candidate?.socket.close();
  await app?.stop();
});

const setStatus = (token: string, body: unknown) => api<ConversationSummary>(app.url, token, `/conversations/${candidate.conversationId}/status`, { method: 'POST', body });
const summary = async () => (await api<{ summary: ConversationSummary }>(app.url, admin, `/conversations/${candidate.conversationId}`)).body.summary;

describe('conversation status (POST /api/v1/conversations/:id/status)', () => {
  it('refuses viewers, unknown statuses and snoozes in the past; a new conversation reads open', async () => {
    expect((await summary()).status).toBe('open');
    expect((await setStatus(viewer, { status: 'resolved' })).status).toBe(403);
    expect((await setStatus(admin, { status: 'closed' })).status).toBe(400);
    expect((await setStatus(admin, { status: 'snoozed', snoozedUntil: new Date(Date.now() - 60_000).toISOString() })).status).toBe(400);
    expect((await setStatus(admin, { status: 'snoozed' })).status).toBe(400);
    expect((await api(app.url, admin, '/conversations/conv_nope/status', { method: 'POST', body: { status: 'resolved' } })).status).toBe(404);
    expect((await summary()).status).toBe('open');
  });

  it('a snooze runs out by itself: the conversation reads open again after its time', async () => {
    const until = new Date(Date.now() + 1500).toISOString();
    const r = await setStatus(admin, { status: 'snoozed', snoozedUntil: until });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ status: 'snoozed', snoozedUntil: until }));
    await eventually(async () => (await summary()).status === 'open', 'the snooze to run out', 20_000);
    expect((await summary()).snoozedUntil).toBeUndefined();
  });

  it('pending then a candidate message: open again, in the list too', async () => {
    expect((await setStatus(admin, { status: 'pending' })).body.status).toBe('pending');
    await candidate.say('any news?');
    await eventually(async () => (await summary()).status === 'open', 'the reopen');
    const list = (await api<{ conversations: ConversationSummary[] }>(app.url, admin, '/conversations')).body.conversations;
    expect(list.find((c) => c.id === candidate.conversationId)?.status).toBe('open');
  });
});
