import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '../../core/domain/index.js';
import { interventionSuccess } from './interventions.js';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const H = 3600 * 1000;
let n = 0;
/** An event of candidate `c` at hour `h`. */
function ev(c: string, h: number, e: Record<string, unknown>): DomainEvent {
  return { id: `e${++n}`, at: new Date(T0 + h * H), actor: 'system', candidateId: c, conversationId: `conv-${c}`, ...e } as DomainEvent;
}
const atRisk = (c: string, h: number) => ev(c, h, { type: 'CandidateAtRisk', score: 0.8, factors: [], recommendedAction: 'nudge' });
const reply = (c: string, h: number) => ev(c, h, { type: 'MessageReceived', messageId: `m${n}`, channel: 'webchat' });
const nudge = (c: string, h: number) => ev(c, h, { type: 'NudgeSent', attempt: 1 });
const takeover = (c: string, h: number) => ev(c, h, { type: 'OperatorTakeover', operatorId: 'op1' });
const message = (c: string, h: number) => ev(c, h, { type: 'OperatorAction', operatorId: 'op1', action: 'message-sent', details: {} });
const byKind = (events: DomainEvent[], nowH = 1000) => Object.fromEntries(interventionSuccess(events, new Date(T0 + nowH * H)).map((f) => [f.kind, [f.attempts, f.reEngaged, f.pending]]));

describe('interventionSuccess', () => {
  it.each([
    ['a reply within 48 h re-engages', [atRisk('a', 0), nudge('a', 1), reply('a', 40)], { nudge: [1, 1, 0] }],
    ['a reply after 48 h does not', [atRisk('a', 0), nudge('a', 1), reply('a', 50)], { nudge: [1, 0, 0] }],
    ['no reply: a failed attempt', [atRisk('a', 0), takeover('a', 1)], { takeover: [1, 0, 0] }],
    ['not at risk: not an intervention', [nudge('a', 1), reply('a', 2)], { nudge: [0, 0, 0] }],
    ['a high assessment puts at risk, a low one clears', [ev('a', 0, { type: 'RiskAssessed', score: 0.9, level: 'high', factors: [] }), nudge('a', 1), ev('a', 2, { type: 'RiskAssessed', score: 0.1, level: 'low', factors: [] }), nudge('a', 3)], { nudge: [1, 0, 0] }],
    ['the candidate writing ends the episode', [atRisk('a', 0), reply('a', 1), message('a', 2)], { 'recruiter-message': [0, 0, 0] }],
    ['one kind counts once per episode', [atRisk('a', 0), nudge('a', 1), nudge('a', 5), nudge('a', 9), reply('a', 10)], { nudge: [1, 1, 0] }],
    ['a new alert opens a new episode', [atRisk('a', 0), nudge('a', 1), reply('a', 3), atRisk('a', 100), nudge('a', 101)], { nudge: [2, 1, 0] }],
    ['each kind on its own', [atRisk('a', 0), nudge('a', 1), takeover('a', 2), message('a', 3), reply('a', 4)], { nudge: [1, 1, 0], takeover: [1, 1, 0], 'recruiter-message': [1, 1, 0] }],
    ['younger than 48 h without a reply: pending', [atRisk('a', 0), nudge('a', 990)], { nudge: [0, 0, 1] }],
    ['candidates apart', [atRisk('a', 0), nudge('a', 1), atRisk('b', 0), nudge('b', 1), reply('b', 2)], { nudge: [2, 1, 0] }],
  ])('%s', (_name, events, expected) => {
    const got = byKind(events as DomainEvent[]);
    for (const [kind, figures] of Object.entries(expected)) expect(got[kind]).toEqual(figures);
  });

  it('rates to three decimals, null without attempts', () => {
    const events = [atRisk('a', 0), nudge('a', 1), reply('a', 2), atRisk('b', 0), nudge('b', 1), atRisk('c', 0), nudge('c', 1)];
    const figures = interventionSuccess(events, new Date(T0 + 1000 * H));
    expect(figures.find((f) => f.kind === 'nudge')?.rate).toBe(0.333);
    expect(figures.find((f) => f.kind === 'takeover')?.rate).toBeNull();
  });
});
