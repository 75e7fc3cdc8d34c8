import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChannelId, NewDomainEvent } from '../core/domain/index.js';
import { ManualClock } from '../core/ports/index.js';
import type { InterventionFigures } from '../operator-console/analytics/interventions.js';
import type { FunnelReport } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const DAY1 = Date.parse('2026-05-01T08:00:00Z');
const H = 3600 * 1000;
const clock = new ManualClock(new Date(DAY1));
let app: TestParley;
let token: string;
let adminId: string;
const conversations = new Map<string, string>();
type Report = FunnelReport & { interventions: InterventionFigures[]; roles: string[] };

/** [candidate, channel, role, hours after DAY1 when they started] */
const CANDIDATES: [string, ChannelId, string, number][] = [
  ['c1', 'webchat', 'backend', 0],
  ['c2', 'webchat', 'frontend', 0],
  ['c3', 'telegram', 'backend', 48],
  ['c4', 'webchat', '=cmd()', 49],
];

const at = (hours: number) => clock.set(new Date(DAY1 + hours * H));

async function emit(candidate: string, event: NewDomainEvent): Promise<void> {
  await app.parley.engine.mutate(conversations.get(candidate)!, ({ conversation }) => ({ conversation, events: [event], actor: 'bot' }));
}

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: 'correct-horse-battery', JOBS_ENABLED: 'false' }, { clock });
  const session = await login(app.url, 'admin@acme.test', 'correct-horse-battery');
  token = session.token;
  adminId = session.operator.id;
  for (const [name, channel, role, hours] of CANDIDATES) {
    at(hours);
    const { conversation } = await app.parley.store.ensureConversation({ channel, externalId: `ff-${name}` }, { id: `ff-${name}` }, clock.now());
    conversations.set(name, conversation.id);
    await app.parley.engine.mutate(conversation.id, ({ conversation: c, candidate }) => ({ conversation: c, candidate: { ...candidate, role }, events: [{ type: 'CandidateStateChanged', from: 'new', to: 'intake' }], actor: 'bot' }));
  }
  // c1 at risk, nudged, answers 8 h later: a nudge that worked.
  at(1);
  await emit('c1', { type: 'CandidateAtRisk', score: 0.9, level: 'high', factors: [], recommendedAction: 'nudge' });
  await emit('c2', { type: 'CandidateAtRisk', score: 0.9, level: 'high', factors: [], recommendedAction: 'call' });
  at(2);
  await emit('c1', { type: 'NudgeSent', attempt: 1 });
  at(10);
  await emit('c1', { type: 'MessageReceived', messageId: 'm-c1', channel: 'webchat', actor: 'candidate' });
  // c2 at risk: the admin takes over and writes; c2 never answers.
  at(3);
  const admin = await ConsoleClient.connect(app.url, token);
  await admin.ok('takeover', { conversationId: conversations.get('c2')! });
  await admin.ok('message:send', { conversationId: conversations.get('c2')!, text: 'Still interested?' });
  admin.close();
  await eventually(async () => (await app.parley.store.listEvents({ types: ['OperatorAction'] })).some((e) => e.type === 'OperatorAction' && e.action === 'message-sent'), 'the message audited');
  at(24 * 6);
  // Six days on (every 48 h window has closed): a fresh token.
  token = (await login(app.url, 'admin@acme.test', 'correct-horse-battery')).token;
});
afterAll(async () => {
  await app?.stop();
});

const report = async (query: string) => {
  const r = await api<Report>(app.url, token, `/analytics/funnel${query}`);
  expect(r.status).toBe(200);
  return r.body;
};
const kinds = (r: Report) => Object.fromEntries(r.interventions.map((i) => [i.kind, [i.attempts, i.reEngaged, i.rate, i.pending]]));

describe('funnel filters, CSV and intervention success (GET /api/v1/analytics/funnel)', () => {
  it('filters by start date range, role, channel and recruiter', async () => {
    const all = await report('');
    expect(all.totalCandidates).toBe(4);
    expect(all.roles).toEqual(['=cmd()', 'backend', 'frontend']);
    expect((await report('?from=2026-05-01&to=2026-05-01')).totalCandidates).toBe(2);
    expect((await report('?from=2026-05-03')).totalCandidates).toBe(2);
    expect((await report('?role=backend')).totalCandidates).toBe(2);
    expect((await report('?channel=telegram')).totalCandidates).toBe(1);
    expect((await report('?role=backend&channel=webchat')).totalCandidates).toBe(1);
    const mine = await report(`?recruiter=${adminId}`);
    expect(mine.totalCandidates).toBe(1);
    expect(mine.operatorFirstResponse.samples).toBe(1);
    expect((await report('?recruiter=op_nobody')).totalCandidates).toBe(0);
    for (const bad of ['?from=yesterday', '?from=2026-05-03&to=2026-05-01', '?channel=fax']) expect((await api(app.url, token, `/analytics/funnel${bad}`)).status).toBe(400);
  });

  it('intervention success per kind: did the at-risk candidate write again within 48 h?', async () => {
    expect(kinds(await report(''))).toEqual({ nudge: [1, 1, 1, 0], takeover: [1, 0, 0, 0], 'recruiter-message': [1, 0, 0, 0] });
    // Filtered like the rest: only c1's nudge is about backend candidates.
    expect(kinds(await report('?role=backend'))).toEqual({ nudge: [1, 1, 1, 0], takeover: [0, 0, null, 0], 'recruiter-message': [0, 0, null, 0] });
  });

  it('exports the filtered report as CSV, defusing cells a spreadsheet would run', async () => {
    const csv = await api<string>(app.url, token, '/analytics/funnel?format=csv&role=backend');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="?parley-funnel-2026-05-07\.csv"?$/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('section,item,metric,value');
    expect(lines).toEqual(expect.arrayContaining(['filter,role,,backend', 'summary,candidates,total,2', 'stage,intake,reached,2', 'intervention,nudge,rate,1', 'intervention,takeover,attempts,0']));
    const evil = await api<string>(app.url, token, `/analytics/funnel?format=csv&role=${encodeURIComponent('=cmd()')}`);
    expect(evil.body.split('\r\n')).toContain("filter,role,,'=cmd()");
  });
});
