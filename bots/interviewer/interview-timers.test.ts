import { describe, expect, it } from '@jest/globals';
import type { Candidate, Conversation } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import { DEFAULT_INTERVIEW_CONFIG, startInterview, type InterviewSession } from '../../core/interview/index.js';
import { syntheticBank } from '../../core/interview/test-bank.js';
import { ManualClock, silentLogger, type Evaluator } from '../../core/ports/index.js';
import { InterviewTimers, dueTime } from './interview-timers.js';

const bank = syntheticBank();
const T0 = new Date('2026-03-02T10:00:00Z');
const [started] = startInterview({ role: 'test', skills: bank.skills }, bank, T0.getTime());

function conversation(session: InterviewSession, version: number): Conversation {
  return { id: 'conv_1', ref: { channel: 'webchat', externalId: 's1' }, candidateId: 'cand_1', mode: 'bot', stage: 'interviewing', needsHuman: false, state: { interview: session }, version, lastActivityAt: T0, createdAt: T0, updatedAt: T0 };
}
const candidate: Candidate = { id: 'cand_1', stage: 'interviewing', optedOut: false, unreachable: false, createdAt: T0, updatedAt: T0 };
const draft = (texts: string[], dueAt: number) => ({ parts: texts.map((text, i) => ({ text, at: T0.getTime() + i })), dueAt });

/** Timers over a scripted store: each read returns the next stored conversation. */
function timersOver(reads: Conversation[], clock: ManualClock) {
  const graded: string[] = [];
  const commits: Conversation[] = [];
  const evaluator: Evaluator = {
    name: 'stub',
    async evaluate(req) {
      graded.push(req.answer);
      return { quality: 'good', technicalAccuracy: 0.8, clarity: 0.8, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false, evaluator: 'stub' } as Awaited<ReturnType<Evaluator['evaluate']>>;
    },
  };
  let i = 0;
  const read = () => reads[Math.min(i++, reads.length - 1)];
  const engine = {
    async mutate(_id: string, change: Parameters<Engine['mutate']>[1]) {
      const current = read()!;
      const result = change({ conversation: structuredClone(current), candidate: structuredClone(candidate), now: clock.now() });
      if (result) commits.push(result.conversation);
      return current;
    },
  } as unknown as Engine;
  const timers = new InterviewTimers({
    store: { getConversation: async () => read(), getCandidate: async () => candidate, listConversations: async () => [reads[0]!] },
    engine: () => engine,
    clock,
    log: silentLogger,
    interview: () => ({ banks: () => new Map([['test', bank]]), evaluator, config: DEFAULT_INTERVIEW_CONFIG, answerQuietMs: 3000 }),
    notifyOperators: () => undefined,
  });
  return { timers, graded, commits };
}

describe('dueTime', () => {
  it.each<[string, Partial<InterviewSession>, number | undefined]>([
    ['nothing due', {}, undefined],
    ['a collected answer', { draft: draft(['a'], 5000) }, 5000],
    ['a recruiter wait', { hold: { reason: 'x', at: 0, until: 9000 } }, 9000],
    ['the earlier of both', { draft: draft(['a'], 5000), hold: { reason: 'x', at: 0, until: 4000 } }, 4000],
    ['a wait already told', { hold: { reason: 'x', at: 0, until: 4000, expiredNoticeAt: 4000 } }, undefined],
    ['a finished interview', { status: 'completed', draft: draft(['a'], 5000) }, undefined],
  ])('%s', (_label, patch, expected) => {
    expect(dueTime(conversation({ ...started, ...patch }, 1))).toBe(expected);
  });
});

describe('InterviewTimers', () => {
  it('grades a collected answer once when its quiet period is over, not before', async () => {
    const clock = new ManualClock(T0);
    const due = T0.getTime() + 3000;
    const stored = conversation({ ...started, draft: draft(['first part', 'second part'], due) }, 3);
    const { timers, graded, commits } = timersOver([stored], clock);
    timers.arm('conv_1', due);
    clock.advance(2999);
    await timers.tick();
    expect(graded).toEqual([]);
    clock.advance(1);
    await timers.tick();
    expect(graded).toEqual(['first part\nsecond part']);
    expect(commits).toHaveLength(1);
    const session = commits[0]!.state.interview as InterviewSession;
    expect(session.draft).toBeUndefined();
    expect(session.answers).toMatchObject([{ text: 'first part\nsecond part', parts: 2 }]);
    await timers.tick();
    expect(graded).toHaveLength(1);
  });

  it('does not commit over a message that arrived while it graded: it waits for the new quiet period', async () => {
    const clock = new ManualClock(new Date(T0.getTime() + 3000));
    const before = conversation({ ...started, draft: draft(['first part'], T0.getTime() + 3000) }, 3);
    // Read for the run, then (at commit) a newer version: the candidate added a part meanwhile.
    const after = conversation({ ...started, draft: draft(['first part', 'more'], T0.getTime() + 6000) }, 4);
    const { timers, commits } = timersOver([before, after, after], clock);
    timers.arm('conv_1', T0.getTime() + 3000);
    await timers.tick();
    expect(commits).toEqual([]);
    expect(timers.armed()).toBe(1);
  });
});
