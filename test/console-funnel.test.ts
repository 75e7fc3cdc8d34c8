import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewDomainEvent, Stage } from '../core/domain/index.js';
import { ManualClock } from '../core/ports/index.js';
import type { FunnelReport } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const T0 = new Date('2026-04-01T08:00:00Z');
const clock = new ManualClock(T0);
const MIN = 60_000;
let app: TestParley;
let token: string;
const conversations = new Map<string, string>();

/** Ten candidates' journeys: [minute, candidate, from, to]. */
const JOURNEYS: [number, string, Stage, Stage][] = [
  [10, 'c1', 'new', 'intake'], [40, 'c1', 'intake', 'screening'], [100, 'c1', 'screening', 'interviewing'], [160, 'c1', 'interviewing', 'assessed'], [220, 'c1', 'assessed', 'scheduled'], [400, 'c1', 'scheduled', 'hired'],
  [10, 'c2', 'new', 'intake'], [30, 'c2', 'intake', 'screening'], [90, 'c2', 'screening', 'interviewing'], [130, 'c2', 'interviewing', 'assessed'], [200, 'c2', 'assessed', 'rejected'],
  [20, 'c3', 'new', 'intake'], [50, 'c3', 'intake', 'screening'], [110, 'c3', 'screening', 'interviewing'], [140, 'c3', 'interviewing', 'withdrawn'],
  [20, 'c4', 'new', 'intake'], [80, 'c4', 'intake', 'screening'], [120, 'c4', 'screening', 'withdrawn'],
  [30, 'c5', 'new', 'intake'], [60, 'c5', 'intake', 'screening'],
  [30, 'c6', 'new', 'intake'],
  [40, 'c7', 'new', 'intake'], [50, 'c7', 'intake', 'withdrawn'],
  [60, 'c9', 'new', 'withdrawn'],
  [50, 'c10', 'new', 'intake'], [70, 'c10', 'intake', 'screening'], [130, 'c10', 'screening', 'interviewing'],
];

/** Latest level per candidate: c1 high, c2 medium, c3 low, c5 medium; c7's unknown level does not count. */
const RISKS: [number, string, string][] = [
  [150, 'c1', 'low'], [410, 'c1', 'high'], [150, 'c2', 'medium'], [150, 'c3', 'high'], [160, 'c3', 'low'], [150, 'c5', 'medium'], [150, 'c7', 'extreme'],
];

function at(minute: number): void {
  clock.set(new Date(T0.getTime() + minute * MIN));
}

async function emit(candidate: string, event: NewDomainEvent, stage?: Stage): Promise<void> {
  await app.parley.engine.mutate(conversations.get(candidate)!, ({ conversation, candidate: who }) => ({
    conversation: stage ? { ...conversation, stage } : conversation,
    ...(stage ? { candidate: { ...who, stage } } : {}),
    events: [event],
    actor: 'bot',
  }));
}

beforeAll(async () => {
  // The seeded risk levels are the data under test: live risk scoring (jobs) would re-score them.
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: 'correct-horse-battery', JOBS_ENABLED: 'false' }, { clock });
  token = (await login(app.url, 'admin@acme.test', 'correct-horse-battery')).token;
  for (let i = 1; i <= 10; i++) {
    const { conversation } = await app.parley.store.ensureConversation({ channel: 'webchat', externalId: `funnel-${i}` }, { id: `funnel-${i}` }, clock.now());
    conversations.set(`c${i}`, conversation.id);
  }
  // c8 wrote once and nothing else happened (a conversation nobody wrote in is not in the funnel).
  await app.parley.store.recordInbound({ ref: { channel: 'webchat', externalId: 'funnel-8' }, providerMessageId: 'funnel-8:1', sender: { id: 'funnel-8' }, kind: 'text', text: 'hi', receivedAt: T0 }, T0);
  const steps = [
    ...JOURNEYS.map(([m, c, from, to]) => [m, () => emit(c, { type: 'CandidateStateChanged', from, to }, to)] as const),
    ...RISKS.map(([m, c, level]) => [m, () => emit(c, { type: 'RiskAssessed', score: 0.5, level, factors: [] })] as const),
  ].sort((a, b) => a[0] - b[0]);
  for (const [minute, step] of steps) {
    at(minute);
    await step();
  }
});
afterAll(async () => {
  await app.stop();
});

describe('GET /api/v1/analytics/funnel', () => {
  it('reports stages, conversion, drop-off, time in stage, risk and operator response for a seeded set of candidates', async () => {
    // Operator response: c5 taken over at 500 and answered at 502 (120 s); c6 asks for a human
    // at 510, taken at 515, answered at 520 (600 s); c5 asks again at 600, answered at 604
    // (240 s); c10 flagged by a risk alert at 530 and not answered yet.
    const ana = await ConsoleClient.connect(app.url, token);
    at(500);
    await ana.ok('takeover', { conversationId: conversations.get('c5')! });
    at(502);
    await ana.ok('message:send', { conversationId: conversations.get('c5')!, text: 'Hello from Acme' });
    at(503);
    await ana.ok('handback', { conversationId: conversations.get('c5')! });
    at(510);
    await emit('c6', { type: 'HumanRequested', reason: 'The candidate typed /human', actor: 'candidate' });
    at(515);
    await ana.ok('takeover', { conversationId: conversations.get('c6')! });
    at(520);
    await ana.ok('message:send', { conversationId: conversations.get('c6')!, text: 'Hi, how can I help?' });
    at(530);
    await emit('c10', { type: 'CandidateAtRisk', score: 0.9, level: 'high', factors: [], recommendedAction: 'Call' });
    await eventually(async () => (await app.parley.store.listEvents({ types: ['NeedsHumanFlagged'] })).length === 1, 'the risk alert to flag c10');
    at(600);
    await emit('c5', { type: 'HumanRequested', reason: 'talk to a person', actor: 'candidate' });
    at(601);
    await ana.ok('takeover', { conversationId: conversations.get('c5')! });
    at(604);
    await ana.ok('message:send', { conversationId: conversations.get('c5')!, text: 'I am here' });
    ana.close();
    at(700);

    const { status, body } = await api<FunnelReport>(app.url, token, '/analytics/funnel');
    expect(status).toBe(200);
    expect(body.generatedAt).toBe('2026-04-01T19:40:00.000Z');
    expect(body.totalCandidates).toBe(10);
    const stage = (s: Stage, current: number, reached: number, droppedOut: number, dropOffRate: number | null, median: number | null, samples: number) => ({
      stage: s, current, reached, droppedOut, dropOffRate, medianTimeInStageSec: median, timeSamples: samples,
    });
    expect(body.stages).toEqual([
      stage('new', 1, 10, 1, 0.1, 1800, 9),
      stage('intake', 1, 8, 1, 0.125, 1800, 7),
      stage('screening', 1, 6, 1, 0.167, 3600, 5),
      stage('interviewing', 1, 4, 1, 0.25, 2400, 3),
      stage('assessed', 0, 2, 1, 0.5, 3900, 2),
      stage('scheduled', 0, 1, 0, 0, 10800, 1),
      stage('hired', 1, 1, 0, 0, null, 0),
      stage('rejected', 1, 1, 0, 0, null, 0),
      stage('withdrawn', 4, 4, 0, 0, null, 0),
    ]);
    expect(body.conversion).toEqual([
      { from: 'new', to: 'intake', reachedFrom: 10, reachedTo: 8, rate: 0.8 },
      { from: 'intake', to: 'screening', reachedFrom: 8, reachedTo: 6, rate: 0.75 },
      { from: 'screening', to: 'interviewing', reachedFrom: 6, reachedTo: 4, rate: 0.667 },
      { from: 'interviewing', to: 'assessed', reachedFrom: 4, reachedTo: 2, rate: 0.5 },
      { from: 'assessed', to: 'scheduled', reachedFrom: 2, reachedTo: 1, rate: 0.5 },
      { from: 'scheduled', to: 'hired', reachedFrom: 1, reachedTo: 1, rate: 1 },
    ]);
    expect(body.risk).toEqual({ low: 1, medium: 2, high: 1, none: 6 });
    expect(body.operatorFirstResponse).toEqual({ medianSec: 240, samples: 3, waiting: 1 });
  });
});
