import { describe, expect, it } from '@jest/globals';
import type { Candidate, Conversation, DomainEvent, Message } from '../../core/domain/index.js';
import type { Assessment, InterviewSession, RoleBank } from '../../core/interview/index.js';
import { AssessmentViews } from './assessment-view.js';

const spoken = 'A fixture is a function that sets up what a test needs, like a temporary database, and pytest passes it in by the argument name.';
const typed = 'I never used mocks, sorry.';
const assessment: Assessment = {
  role: 'python',
  overallScore: 64,
  skillScores: { testing: 64 },
  levelReached: { testing: 'fundamental' },
  boundaries: { testing: 'intermediate' },
  strengths: [{ skill: 'testing', summary: 'testing: strong up to fundamental (score 80)', quote: spoken, concepts: ['fixture'] }],
  weaknesses: [{ skill: 'testing', summary: 'testing: knowledge runs out at intermediate', quote: typed, concepts: ['mock'] }],
  integrityScore: 100,
  integrityFlags: [],
  recommendation: 'maybe',
  recommendationReasons: ['Overall score 64/100 is between 50 and 70.'],
  nextSteps: ['Probe these skills in the next round: testing (intermediate).'],
  questionsAsked: 2,
  durationMin: 4,
};
const bank = { role: 'python', title: 'Python Developer', skills: [{ id: 'testing', name: 'Testing and quality', core: true }], questions: [] } as unknown as RoleBank;
const at = new Date('2026-03-02T10:04:05Z');
const message = (id: string, kind: Message['kind'], text: string, media?: Message['media']): Message =>
  ({ id, conversationId: 'conv_1', channel: 'whatsapp', direction: 'in', author: 'candidate', kind, text, status: 'processed', attempts: 0, createdAt: at, updatedAt: at, ...(media ? { media } : {}) }) as Message;

function views(messages: Message[], events: DomainEvent[] = []) {
  return new AssessmentViews({
    store: { getCandidate: async () => undefined, listConversations: async () => [], listMessages: async () => messages, listEvents: async () => events },
    banks: () => new Map([['python', bank]]),
    operatorName: async (id) => (id === 'op_1' ? 'Ana' : undefined),
  });
}
const conversation = { id: 'conv_1', candidateId: 'cand_1', state: { assessment }, updatedAt: at } as unknown as Conversation;
const candidate = { id: 'cand_1', name: 'Vera Voice' } as Candidate;

describe('AssessmentViews', () => {
  it('marks a quote that came from a voice note with its time and length, and leaves typed ones alone', async () => {
    const view = await views([message('msg_v', 'voice', spoken, { durationSec: 14, transcript: { text: spoken } } as Message['media']), message('msg_t', 'text', typed)]).forConversation(conversation, candidate);
    expect(view?.strengths[0]?.voice).toEqual({ messageId: 'msg_v', at: '2026-03-02T10:04:05.000Z', durationSec: 14 });
    expect(view?.weaknesses[0]?.voice).toBeUndefined();
  });

  it('finds the voice note when the answer was split over a typed message and a voice note', async () => {
    const split = { ...assessment, strengths: [{ ...assessment.strengths[0]!, quote: `Let me say it out loud. ${spoken}` }] };
    const view = await views([message('msg_t', 'text', 'Let me say it out loud.'), message('msg_v', 'voice', spoken)]).forConversation({ ...conversation, state: { assessment: split } } as Conversation, candidate);
    expect(view?.strengths[0]?.voice?.messageId).toBe('msg_v');
  });

  it('names the role and skills from the bank, in summaries and next steps too', async () => {
    const view = await views([]).forConversation(conversation, candidate);
    expect(view?.role).toEqual({ id: 'python', title: 'Python Developer' });
    expect(view?.strengths[0]?.summary).toBe('Testing and quality: strong up to fundamental (score 80)');
    expect(view?.nextSteps).toEqual(['Probe these skills in the next round: Testing and quality (intermediate).']);
  });

  it('shows the latest override, keeps the computed recommendation and the history', async () => {
    const override = (to: string, when: string): DomainEvent =>
      ({ id: `evt_${to}`, type: 'OperatorAction', at: new Date(when), actor: 'operator:op_1', operatorId: 'op_1', action: 'assessment-override', details: { to, reason: `because ${to}`, conversationId: 'conv_1' }, candidateId: 'cand_1' }) as DomainEvent;
    const view = await views([], [override('no', '2026-03-02T12:00:00Z'), override('yes', '2026-03-02T11:00:00Z')]).forConversation(conversation, candidate);
    expect(view?.recommendation).toMatchObject({ value: 'no', computed: 'maybe', override: { recommendation: 'no', reason: 'because no', operatorName: 'Ana', at: '2026-03-02T12:00:00.000Z' } });
    expect(view?.recommendation?.history.map((h) => h.recommendation)).toEqual(['yes', 'no']);
  });

  it('scores an interview in progress with the assessment\'s definition (level-weighted), names the pending skill, and has no recommendation yet', async () => {
    const answer = (questionId: string, skill: string, level: 'fundamental' | 'advanced', composite: number) => ({ questionId, skill, level, quality: 'good' as const, accuracy: composite, clarity: 1, composite, text: 'an answer', askedAt: 0, answeredAt: 1000, covered: [], missed: [], redFlags: [], unparseable: false });
    const session: InterviewSession = {
      version: 1,
      role: 'python',
      status: 'in-progress',
      level: 'advanced',
      skillLevels: {},
      skills: ['testing', 'packaging'],
      coreSkills: ['testing'],
      currentSkill: 'testing',
      startedAt: 0,
      pending: { questionId: 'q3', skill: 'testing', level: 'advanced', askedAt: 2000 },
      askedQuestionIds: ['q1', 'q2', 'q3', 'q4'],
      // fundamental 0.8 (weight 1) and advanced 0.5 (weight 2): (0.8 + 1.0) / 3 = 60; the plain mean would say 65.
      answers: [answer('q1', 'testing', 'fundamental', 0.8), answer('q2', 'testing', 'advanced', 0.5), answer('q4', 'packaging', 'fundamental', 0.2)],
      phaseHistory: [],
      explored: {},
      boundaries: {},
    };
    const view = await views([]).forConversation({ ...conversation, state: { interview: session } } as unknown as Conversation, candidate);
    expect(view).toMatchObject({ status: 'in-progress', overallScore: 60, questionsAsked: 3, pending: { skill: 'testing', skillName: 'Testing and quality', level: 'advanced' }, strengths: [], weaknesses: [], nextSteps: [] });
    expect(view?.recommendation).toBeUndefined();
    expect(view?.skills.map((x) => [x.name, x.score, x.core, x.current])).toEqual([
      ['Testing and quality', 60, true, true],
      ['packaging', 20, false, false],
    ]);
    expect(view?.answers.map((a) => a.score)).toEqual([80, 50, 20]);
  });
});
