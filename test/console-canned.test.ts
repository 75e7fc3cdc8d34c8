import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CannedResponse } from '../operator-console/contract.js';
import { addOperator } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: string;
let ana: string;
let bo: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  const { operators } = app.parley.ports;
  await addOperator(operators, { email: 'ana@acme.test', name: 'Ana Lima', role: 'recruiter', password: PASSWORD }, new Date());
  await addOperator(operators, { email: 'bo@acme.test', name: 'Bo Berg', role: 'recruiter', password: PASSWORD }, new Date());
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  ana = (await login(app.url, 'ana@acme.test', PASSWORD)).token;
  bo = (await login(app.url, 'bo@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app?.stop();
});

const titles = async (token: string) => (await api<{ cannedResponses: CannedResponse[] }>(app.url, token, '/canned-responses')).body.cannedResponses.map((c) => `${c.title} (${c.scope})`);
const create = (token: string, body: unknown) => api<CannedResponse>(app.url, token, '/canned-responses', { method: 'POST', body });

describe('canned responses: personal and shared', () => {
  it('a personal one is seen and changed by its author only; a shared one by everyone, changed by its author or an admin', async () => {
    const mine = await create(ana, { title: 'My sign-off', text: 'Talk soon, Ana', scope: 'personal' });
    expect([mine.status, mine.body.scope]).toEqual([201, 'personal']);
    const shared = await create(ana, { title: 'Next steps', text: 'We will be in touch.' });
    expect(shared.body.scope).toBe('shared');

    expect(await titles(ana)).toEqual(['My sign-off (personal)', 'Next steps (shared)']);
    expect(await titles(bo)).toEqual(['Next steps (shared)']);
    expect(await titles(admin)).toEqual(['Next steps (shared)']);
    // Someone else's personal reply does not exist for them, admins included.
    for (const token of [bo, admin]) expect((await api(app.url, token, `/canned-responses/${mine.body.id}`, { method: 'PUT', body: { title: 'x', text: 'y' } })).status).toBe(404);

    expect((await api(app.url, bo, `/canned-responses/${shared.body.id}`, { method: 'PUT', body: { title: 'Next steps', text: 'Bo was here' } })).status).toBe(403);
    const byAdmin = await api<CannedResponse>(app.url, admin, `/canned-responses/${shared.body.id}`, { method: 'PUT', body: { title: 'Next steps', text: 'We will call you this week.', scope: 'personal' } });
    // An admin edits the text; only the author could make it personal.
    expect(byAdmin.body).toMatchObject({ text: 'We will call you this week.', scope: 'shared', createdBy: shared.body.createdBy });
    const moved = await api<CannedResponse>(app.url, ana, `/canned-responses/${mine.body.id}`, { method: 'PUT', body: { title: 'My sign-off', text: 'Talk soon, Ana', scope: 'shared' } });
    expect(moved.body.scope).toBe('shared');
    expect(await titles(bo)).toEqual(['My sign-off (shared)', 'Next steps (shared)']);
    expect((await api(app.url, admin, `/canned-responses/${mine.body.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('fills {{candidate.name}}, {{role}}, {{recruiter.name}} and {{nextInterview}} for a conversation, and names what has no value', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    await c.ask('Yes, continue', /What is your name/);
    await c.ask('Marta Nowak', /Which role/);
    await c.ask('Python Developer', /^Question 1: /);
    const text = 'Hi {{candidate.name}}, thanks for applying as {{role}}. I am {{ recruiter.name }}. Your interview: {{nextInterview}}. {{unknown}} stays.';
    const canned = await create(ana, { title: 'Intro', text });
    const fill = (token: string) => api<{ text: string; missing: string[] }>(app.url, token, `/canned-responses/${canned.body.id}/fill`, { method: 'POST', body: { conversationId: c.conversationId } });

    expect((await fill(ana)).body).toEqual({
      text: 'Hi Marta Nowak, thanks for applying as Python Developer. I am Ana Lima. Your interview: {{nextInterview}}. {{unknown}} stays.',
      missing: ['nextInterview'],
    });
    const schedule = app.parley.services.scheduleInterview;
    if (!schedule) throw new Error('the jobs plugin provides scheduleInterview');
    await schedule(c.conversationId, new Date(Date.now() + 3 * 86_400_000), { timeZone: 'Europe/Lisbon', actor: 'operator:test' });
    const filled = (await fill(bo)).body;
    expect(filled.missing).toEqual([]);
    expect(filled.text).toMatch(/^Hi Marta Nowak, thanks for applying as Python Developer\. I am Bo Berg\. Your interview: \w+day, \d{1,2} \w+ \d{4} at \d{2}:\d{2} \(Europe\/Lisbon\)\. \{\{unknown\}\} stays\.$/);

    expect((await api(app.url, ana, `/canned-responses/${canned.body.id}/fill`, { method: 'POST', body: { conversationId: 'conv_nope' } })).status).toBe(404);
    expect((await api(app.url, ana, `/canned-responses/${canned.body.id}/fill`, { method: 'POST', body: {} })).status).toBe(400);
    c.close();
  });
});
