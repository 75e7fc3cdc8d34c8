import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConsoleNotification, ConversationSummary, Label, SavedFilter } from '../operator-console/contract.js';
import { addOperator } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: string;
let rita: { token: string; id: string };
let viewer: string;
let candidate: ChatClient;
let id: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  await addOperator(app.parley.ports.operators, { email: 'vic@acme.test', name: 'Vic Viewer', role: 'viewer', password: PASSWORD }, new Date());
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  const r = await login(app.url, 'rita@acme.test', PASSWORD);
  rita = { token: r.token, id: r.operator.id };
  viewer = (await login(app.url, 'vic@acme.test', PASSWORD)).token;
  candidate = await ChatClient.connect(app.url);
  await candidate.say('hi');
  await eventually(() => candidate.conversationId !== '', 'the conversation');
  id = candidate.conversationId;
  const conversation = await app.parley.store.getConversation(id);
  const person = conversation && (await app.parley.store.getCandidate(conversation.candidateId));
  if (person) await app.parley.store.saveCandidate({ ...person, name: 'Zofia Wiśniewska' });
});
afterAll(async () => {
  candidate?.socket.close();
  await app?.stop();
});

const list = async (token: string, query: string) => (await api<{ conversations: ConversationSummary[] }>(app.url, token, `/conversations?${query}`)).body.conversations.map((c) => c.id);
const audited = async (action: string) =>
  (await app.parley.store.listEvents({ conversationId: id, limit: 1000 })).filter((e) => e.type === 'OperatorAction' && e.action === action).map((e) => (e.type === 'OperatorAction' ? e.details : undefined));

describe('assignment (POST /api/v1/conversations/:id/assign)', () => {
  it('assigns to another operator: live for every console, "assigned to you" for the assignee naming the candidate, audited; filters mine / unassigned', async () => {
    const ritaConsole = await ConsoleClient.connect(app.url, rita.token);
    const viewerConsole = await ConsoleClient.connect(app.url, viewer);
    expect(await list(rita.token, 'filter=unassigned')).toContain(id);
    expect(await list(rita.token, 'filter=mine')).not.toContain(id);

    expect((await api(app.url, viewer, `/conversations/${id}/assign`, { method: 'POST', body: { operatorId: rita.id } })).status).toBe(403);
    expect((await api(app.url, admin, `/conversations/${id}/assign`, { method: 'POST', body: { operatorId: 'op_nobody' } })).status).toBe(400);
    const r = await api<ConversationSummary>(app.url, admin, `/conversations/${id}/assign`, { method: 'POST', body: { operatorId: rita.id } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ assigneeId: rita.id, assigneeName: 'Rita Recruiter' }));

    const note = await ritaConsole.waitFor('notification', (n: ConsoleNotification) => n.kind === 'assigned');
    expect(note).toEqual(expect.objectContaining({ conversationId: id, title: 'Assigned to you: Zofia Wiśniewska' }));
    expect(note.body).toBe('Admin assigned the conversation with Zofia Wiśniewska to you.');
    // Everyone sees the row change; only the assignee is notified.
    await viewerConsole.waitFor('conversation:upsert', (s) => s.id === id && s.assigneeId === rita.id);
    expect(viewerConsole.all('notification').filter((n) => n.kind === 'assigned')).toEqual([]);

    expect(await list(rita.token, 'filter=mine')).toContain(id);
    expect(await list(rita.token, 'filter=unassigned')).not.toContain(id);
    expect(await list(admin, 'filter=mine')).not.toContain(id);

    // Unassign: back in "unassigned"; both changes audited with who had it before.
    expect((await api<ConversationSummary>(app.url, rita.token, `/conversations/${id}/assign`, { method: 'POST', body: { operatorId: null } })).body.assigneeId).toBeUndefined();
    expect(await list(rita.token, 'filter=unassigned')).toContain(id);
    expect(await audited('conversation-assigned')).toEqual([
      { assigneeId: rita.id, previousAssigneeId: null },
      { assigneeId: null, previousAssigneeId: rita.id },
    ]);
    ritaConsole.close();
    viewerConsole.close();
  });
});

describe('labels and saved filters', () => {
  it('creates a label, applies and removes it (live, audited), filters the list by it', async () => {
    const ritaConsole = await ConsoleClient.connect(app.url, rita.token);
    expect((await api(app.url, viewer, '/labels', { method: 'POST', body: { name: 'Berlin' } })).status).toBe(403);
    const created = await api<Label>(app.url, admin, '/labels', { method: 'POST', body: { name: 'Berlin', color: '#16a34a' } });
    expect(created.status).toBe(201);
    expect((await api(app.url, admin, '/labels', { method: 'POST', body: { name: 'berlin' } })).status).toBe(409);
    const pushed = await ritaConsole.waitFor('labels');
    expect(pushed.labels.map((l) => l.name)).toEqual(['Berlin']);

    expect(await list(admin, `label=${created.body.id}`)).toEqual([]);
    const applied = await api<ConversationSummary>(app.url, rita.token, `/conversations/${id}/labels`, { method: 'POST', body: { labelId: created.body.id } });
    expect(applied.body.labels).toEqual([created.body.id]);
    await ritaConsole.waitFor('conversation:upsert', (s) => s.id === id && (s.labels ?? []).includes(created.body.id));
    expect(await list(admin, `label=${created.body.id}`)).toEqual([id]);
    // Applying again changes nothing and is not audited twice.
    await api(app.url, rita.token, `/conversations/${id}/labels`, { method: 'POST', body: { labelId: created.body.id } });
    expect((await api(app.url, viewer, `/conversations/${id}/labels/${created.body.id}`, { method: 'DELETE' })).status).toBe(403);
    const removed = await api<ConversationSummary>(app.url, admin, `/conversations/${id}/labels/${created.body.id}`, { method: 'DELETE' });
    expect(removed.body.labels).toBeUndefined();
    expect(await list(admin, `label=${created.body.id}`)).toEqual([]);
    expect(await audited('label-applied')).toEqual([{ labelId: created.body.id, name: 'Berlin' }]);
    expect(await audited('label-removed')).toEqual([{ labelId: created.body.id, name: 'Berlin' }]);
    ritaConsole.close();
  });

  it('saved filters belong to their operator, are validated, audited and pushed to that operator only', async () => {
    const ritaConsole = await ConsoleClient.connect(app.url, rita.token);
    const adminConsole = await ConsoleClient.connect(app.url, admin);
    expect((await api(app.url, rita.token, '/saved-filters', { method: 'POST', body: { name: 'Bad', query: { filter: 'everything' } } })).status).toBe(400);
    const saved = await api<SavedFilter>(app.url, rita.token, '/saved-filters', { method: 'POST', body: { name: 'My Berlin', query: { filter: 'mine', status: 'open', label: 'lbl_x' } } });
    expect(saved.status).toBe(201);
    expect(saved.body.query).toEqual({ filter: 'mine', status: 'open', label: 'lbl_x' });
    expect((await ritaConsole.waitFor('saved-filters')).filters.map((f) => f.name)).toEqual(['My Berlin']);
    expect((await api<{ filters: SavedFilter[] }>(app.url, rita.token, '/saved-filters')).body.filters.map((f) => f.name)).toEqual(['My Berlin']);
    expect((await api<{ filters: SavedFilter[] }>(app.url, admin, '/saved-filters')).body.filters).toEqual([]);
    expect((await api(app.url, admin, `/saved-filters/${saved.body.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(app.url, rita.token, `/saved-filters/${saved.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api<{ filters: SavedFilter[] }>(app.url, rita.token, '/saved-filters')).body.filters).toEqual([]);
    const events = (await app.parley.store.listEvents({ types: ['OperatorAction'], limit: 1000 })).filter((e) => e.type === 'OperatorAction' && e.action.startsWith('saved-filter-'));
    expect(events.map((e) => (e.type === 'OperatorAction' ? [e.action, e.operatorId] : []))).toEqual([
      ['saved-filter-created', rita.id],
      ['saved-filter-deleted', rita.id],
    ]);
    expect(adminConsole.all('saved-filters')).toEqual([]);
    ritaConsole.close();
    adminConsole.close();
  });
});
