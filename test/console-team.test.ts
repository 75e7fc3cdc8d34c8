import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationSummary, OperatorProfile, TeamInvite, TeamMember } from '../operator-console/contract.js';
import { addOperator } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: { token: string; id: string };
let rita: { token: string; id: string };

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  const a = await login(app.url, 'admin@acme.test', PASSWORD);
  admin = { token: a.token, id: a.operator.id };
  const r = await login(app.url, 'rita@acme.test', PASSWORD);
  rita = { token: r.token, id: r.operator.id };
});
afterAll(async () => {
  await app?.stop();
});

type InviteResult = { invite: TeamInvite; url: string; emailed: boolean };
const tokenOf = (url: string) => new URL(url).hash.slice(1);

describe('team management (admins)', () => {
  it('an invite link (no email channel: a link to copy) creates an operator who can sign in, once', async () => {
    expect((await api(app.url, rita.token, '/team/invites', { method: 'POST', body: { email: 'nia@acme.test' } })).status).toBe(403);
    expect((await api(app.url, admin.token, '/team/invites', { method: 'POST', body: { email: 'rita@acme.test' } })).status).toBe(409);
    const r = await api<InviteResult>(app.url, admin.token, '/team/invites', { method: 'POST', body: { email: 'Nia@Acme.test', role: 'recruiter', name: 'Nia' } });
    expect(r.status).toBe(201);
    expect(r.body.emailed).toBe(false);
    expect(r.body.url).toMatch(new RegExp(`^${app.url}/console/invite#[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(r.body.url);
    // Only the hash is stored: the token itself appears nowhere in the database.
    expect(JSON.stringify(await app.parley.ports.inbox.listOpenInvites())).not.toContain(token);
    expect((await api<{ invites: TeamInvite[] }>(app.url, admin.token, '/team')).body.invites.map((i) => i.email)).toEqual(['nia@acme.test']);

    const preview = await api<{ invite: TeamInvite }>(app.url, undefined, '/team/invites/preview', { method: 'POST', body: { token } });
    expect(preview.body.invite).toEqual(expect.objectContaining({ email: 'nia@acme.test', role: 'recruiter' }));
    expect((await api(app.url, undefined, '/team/invites/accept', { method: 'POST', body: { token, password: 'short' } })).status).toBe(400);
    const accepted = await api<{ operator: OperatorProfile }>(app.url, undefined, '/team/invites/accept', { method: 'POST', body: { token, name: 'Nia Novak', password: 'nia-own-password' } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.operator).toEqual(expect.objectContaining({ email: 'nia@acme.test', name: 'Nia Novak', role: 'recruiter' }));
    const session = await login(app.url, 'nia@acme.test', 'nia-own-password');
    expect(session.operator.name).toBe('Nia Novak');
    // The link works once.
    expect((await api(app.url, undefined, '/team/invites/accept', { method: 'POST', body: { token, password: 'another-password' } })).status).toBe(404);
    expect((await api(app.url, undefined, '/team/invites/preview', { method: 'POST', body: { token: 'x'.repeat(43) } })).status).toBe(404);
    expect((await api<{ invites: TeamInvite[] }>(app.url, admin.token, '/team')).body.invites).toEqual([]);
    const actions = (await app.parley.store.listEvents({ types: ['OperatorAction'], limit: 1000 })).filter((e) => e.type === 'OperatorAction' && /^invite|operator-invited/.test(e.action));
    expect(actions.map((e) => (e.type === 'OperatorAction' ? e.action : ''))).toEqual(['operator-invited', 'invite-accepted']);
  });

  it('a revoked invite no longer works', async () => {
    const r = await api<InviteResult>(app.url, admin.token, '/team/invites', { method: 'POST', body: { email: 'olga@acme.test', role: 'viewer' } });
    expect((await api(app.url, admin.token, `/team/invites/${r.body.invite.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(app.url, undefined, '/team/invites/accept', { method: 'POST', body: { token: tokenOf(r.body.url), password: 'olga-password' } })).status).toBe(404);
  });

  it('rename (the display name candidates see when the operator joins), change role, deactivate; never oneself', async () => {
    const patch = (token: string, id: string, body: unknown) => api<TeamMember>(app.url, token, `/team/operators/${id}`, { method: 'PATCH', body });
    expect((await patch(rita.token, rita.id, { name: 'Rita' })).status).toBe(403);
    expect((await patch(admin.token, admin.id, { role: 'viewer' })).status).toBe(409);
    expect((await patch(admin.token, admin.id, { active: false })).status).toBe(409);
    expect((await patch(admin.token, rita.id, { role: 'boss' })).status).toBe(400);

    expect((await patch(admin.token, rita.id, { name: 'Rita from Berlin' })).body.name).toBe('Rita from Berlin');
    const candidate = await ChatClient.connect(app.url);
    await candidate.say('hello');
    await eventually(() => candidate.conversationId !== '', 'the conversation');
    const ritaConsole = await ConsoleClient.connect(app.url, rita.token);
    await ritaConsole.ok('takeover', { conversationId: candidate.conversationId });
    await candidate.waitForBot(/^Rita from Berlin from the recruiting team has joined the chat\.$/);
    await ritaConsole.ok('message:send', { conversationId: candidate.conversationId, text: 'Hi, Rita here' });
    // The list's preview names the operator too.
    await eventually(async () => {
      const rows = (await api<{ conversations: ConversationSummary[] }>(app.url, admin.token, '/conversations')).body.conversations;
      return rows.find((c) => c.id === candidate.conversationId)?.lastMessage?.authorName === 'Rita from Berlin';
    }, 'the preview with the operator\'s name');

    expect((await patch(admin.token, rita.id, { role: 'viewer' })).body.role).toBe('viewer');
    expect((await login(app.url, 'rita@acme.test', PASSWORD)).operator.role).toBe('viewer');
    const deactivated = await patch(admin.token, rita.id, { active: false });
    expect(deactivated.body.active).toBe(false);
    // Her open console is closed and she can no longer sign in.
    await ritaConsole.waitFor('session:expired');
    await expect(login(app.url, 'rita@acme.test', PASSWORD)).rejects.toThrow(/401|403/);
    const changes = (await app.parley.store.listEvents({ types: ['OperatorAction'], limit: 1000 })).filter((e) => e.type === 'OperatorAction' && e.action === 'operator-updated');
    expect(changes.map((e) => (e.type === 'OperatorAction' ? e.details?.changes : undefined))).toEqual([
      { name: { from: 'Rita Recruiter', to: 'Rita from Berlin' } },
      { role: { from: 'recruiter', to: 'viewer' } },
      { active: { from: true, to: false } },
    ]);
    ritaConsole.close();
    candidate.close();
  });
});
