import { describe, expect, it } from '@jest/globals';
import type { Candidate, Conversation, Message } from '../../core/domain/index.js';
import { startInterview, type AnswerRecord, type InterviewSession } from '../../core/interview/index.js';
import { syntheticBank } from '../../core/interview/test-bank.js';
import { assessRisk, DEFAULT_RISK_CONFIG } from '../../core/risk/index.js';
import { answerComposites, responseLatencies, riskInput, type RiskView } from './risk-input.js';

const T0 = new Date('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const H = 60;

const candidate: Candidate = { id: 'cand_1', stage: 'intake', optedOut: false, unreachable: false, createdAt: T0, updatedAt: T0 };
const conversation: Conversation = {
  id: 'conv_1',
  ref: { channel: 'webchat', externalId: 's1' },
  candidateId: 'cand_1',
  mode: 'bot',
  stage: 'intake',
  needsHuman: false,
  state: {},
  version: 3,
  lastActivityAt: at(1),
  lastCandidateMessageAt: at(1),
  createdAt: T0,
  updatedAt: at(1),
};
const [session] = startInterview({ role: 'test', skills: syntheticBank().skills }, syntheticBank(), T0.getTime());
const answer = (composite: number): AnswerRecord => ({ questionId: 'q', skill: 'alpha', level: 'warmup', quality: 'good', accuracy: composite, clarity: composite, composite, text: 'a', askedAt: 0, answeredAt: 1, covered: [], missed: [], redFlags: [], unparseable: false });
const withInterview = (over: Partial<InterviewSession> | string): Partial<RiskView> => ({ conversation: { ...conversation, state: { interview: typeof over === 'string' ? over : { ...session, ...over } } } });
let seq = 0;
const msg = (direction: 'in' | 'out', minute: number, text = 'x', kind: Message['kind'] = 'text'): Message => ({
  id: `msg_${++seq}`,
  conversationId: 'conv_1',
  channel: 'webchat',
  direction,
  author: direction === 'in' ? 'candidate' : 'bot',
  kind,
  text,
  status: direction === 'in' ? 'processed' : 'sent',
  attempts: 0,
  createdAt: at(minute),
  updatedAt: at(minute),
});
const view = (over: Partial<RiskView> = {}): RiskView => ({ candidate, conversation, messages: [msg('in', 0, 'hi'), msg('out', 0.1, 'Do you agree?'), msg('in', 1, 'yes'), msg('out', 1.1, 'Your name?')], unansweredNudges: 0, ...over });

describe('riskInput', () => {
  it('reads silence, who spoke last and recent messages from the store', () => {
    const input = riskInput(view(), at(26 * H));
    expect(input).toMatchObject({
      stage: 'intake',
      now: at(26 * H).getTime(),
      lastCandidateMessageAt: at(1).getTime(),
      lastBotMessageAt: at(1.1).getTime(),
      unansweredNudges: 0,
      interview: 'none',
      recentCandidateMessages: ['hi', 'yes'],
      responseLatenciesSec: [54],
      answerComposites: [],
      missedInterview: false,
      optedOut: false,
      mode: 'bot',
    });
    expect(assessRisk(input, DEFAULT_RISK_CONFIG).factors.map((f) => f.name)).toEqual(['silence']);
  });

  it.each<[string, Partial<RiskView>, Partial<ReturnType<typeof riskInput>>]>([
    ['nudges without an answer', { unansweredNudges: 2 }, { unansweredNudges: 2 }],
    ['an interview in progress', withInterview({ answers: [answer(0.8), answer(0.4)] }), { interview: 'in-progress', answerComposites: [0.8, 0.4] }],
    ['an abandoned interview', withInterview({ status: 'abandoned' }), { interview: 'abandoned' }],
    ['an interview waiting for a recruiter is paused', withInterview({ hold: { reason: 'x', at: 0, until: 1 } }), { interview: 'paused' }],
    ['an unknown interview status is unreadable: none', withInterview({ status: 'thinking' as InterviewSession['status'] }), { interview: 'none' }],
    ['an unreadable interview is none', withInterview('garbage'), { interview: 'none' }],
    ['a half-written interview is unreadable: none', { conversation: { ...conversation, state: { interview: { status: 'in-progress', answers: [{ composite: 0.8 }] } } } }, { interview: 'none', answerComposites: [] }],
    ['opted out, in human mode', { candidate: { ...candidate, optedOut: true }, conversation: { ...conversation, mode: 'human' } }, { optedOut: true, mode: 'human' }],
    ['still "scheduled" a day after the interview: missed', { candidate: { ...candidate, stage: 'scheduled' }, conversation: { ...conversation, state: { schedule: { at: at(0).toISOString() } } } }, { missedInterview: true }],
    ['scheduled interview only just passed: not (yet) missed', { candidate: { ...candidate, stage: 'scheduled' }, conversation: { ...conversation, state: { schedule: { at: at(25 * H).toISOString() } } } }, { missedInterview: false }],
    ['marked missed explicitly', { conversation: { ...conversation, state: { schedule: { at: at(0).toISOString(), missed: true } } } }, { missedInterview: true }],
  ])('%s', (_what, over, expected) => {
    expect(riskInput(view(over), at(26 * H))).toMatchObject(expected);
  });

  it('leaves silence out when the candidate never wrote', () => {
    const input = riskInput(view({ conversation: { ...conversation, lastCandidateMessageAt: undefined }, messages: [msg('out', 0, 'hello')] }), at(26 * H));
    expect('lastCandidateMessageAt' in input).toBe(false);
    expect(input.lastBotMessageAt).toBe(at(0).getTime());
  });

  it('keeps the five latest texts and voice transcripts, not commands', () => {
    const messages = [msg('in', 1, '/status', 'command'), ...[2, 3, 4, 5, 6, 7].map((m) => msg('in', m, `m${m}`)), msg('in', 8, 'I found another job', 'voice')];
    expect(riskInput(view({ messages }), at(10)).recentCandidateMessages).toEqual(['m4', 'm5', 'm6', 'm7', 'I found another job']);
  });

  it('measures replies to the bot in seconds; no interview has no answer composites', () => {
    expect(responseLatencies([msg('out', 0), msg('in', 2), msg('in', 3), msg('out', 4), msg('in', 4.5)])).toEqual([120, 30]);
    expect(answerComposites(undefined)).toEqual([]);
  });
});
