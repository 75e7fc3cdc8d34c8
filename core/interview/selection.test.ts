import { describe, expect, it } from '@jest/globals';
import { answerQuestion, startInterview } from './machine.js';
import { pickQuestion, topicCovered } from './selection.js';
import type { AnswerEvaluation, Question, RoleBank } from './types.js';

const gil: Question = {
  id: 'python-concurrency-fundamental-1',
  skill: 'concurrency',
  level: 'fundamental',
  text: 'What is the GIL, and what does it mean for CPU-bound threads?',
  readingTimeSec: 25,
  rubric: {
    keyConcepts: [
      { concept: 'global interpreter lock', synonyms: ['gil', 'one thread executes bytecode'], weight: 1 },
      { concept: 'cpu-bound work does not run in parallel', synonyms: ['no parallelism', 'not parallel', 'use multiprocessing', 'multiple processes'], weight: 1 },
      { concept: 'io-bound threads still help', synonyms: ['io bound', 'i/o', 'waiting on network'], weight: 1 },
    ],
    strongAnswerPoints: ['Explains the GIL'],
    redFlags: [],
  },
};
const said = (text: string, covered: string[] = []) => ({ text, covered });

describe('topicCovered', () => {
  it.each<[string, { text: string; covered: string[] }[], boolean]>([
    ['nothing said yet', [], false],
    ['an earlier answer explained the GIL and its consequence', [said('Python is nice, though the GIL means CPU-bound threads get no parallelism, so I use multiprocessing.')], true],
    ['spread over two earlier answers', [said('The GIL (global interpreter lock) is a CPython thing.'), said('For CPU-heavy jobs we used multiple processes.')], true],
    ['only the name of the topic in passing', [said('I read about the GIL once.')], false],
    ['words inside other words do not count', [said('The gilded age of processes and multiprocessingpools')], false],
    ['unrelated answers', [said('React renders components from state and props.')], false],
    ['an evaluator credited the same concepts by name', [said('see above', ['global interpreter lock', 'io-bound threads still help'])], true],
  ])('%s', (_label, earlier, expected) => {
    expect(topicCovered(gil, earlier)).toBe(expected);
  });

  it('never skips a warmup question', () => {
    expect(topicCovered({ ...gil, level: 'warmup' }, [said('the GIL means no parallelism, use multiprocessing, i/o threads help')])).toBe(false);
  });
});

describe('pickQuestion skips covered topics', () => {
  const other: Question = { ...gil, id: 'python-concurrency-fundamental-2', text: 'What does async/await do in Python?', rubric: { ...gil.rubric, keyConcepts: [{ concept: 'event loop', synonyms: ['asyncio'], weight: 1 }, { concept: 'coroutine', synonyms: [], weight: 1 }] } };
  const bank: RoleBank = { role: 'python', title: 'Python', description: '', skills: [{ id: 'concurrency', name: 'Concurrency', core: true }], questions: [gil, other] };

  it('asks the next question of the skill and level instead, or nothing when none is left', () => {
    const earlier = [said('The GIL lets one thread executes bytecode at a time: no parallelism for CPU-bound threads.')];
    expect(pickQuestion(bank, 'concurrency', 'fundamental', [], [], earlier)?.id).toBe(other.id);
    expect(pickQuestion(bank, 'concurrency', 'fundamental', [other.id], [], earlier)).toBeUndefined();
    expect(pickQuestion(bank, 'concurrency', 'fundamental', [], [], [])?.id).toBe(gil.id);
  });

  it('through the machine: a topic explained in an earlier answer is never asked', () => {
    const warm = (id: string, text: string): Question => ({ ...gil, id, level: 'warmup', text, rubric: { ...gil.rubric, keyConcepts: [{ concept: 'python', synonyms: [], weight: 1 }] } });
    const full: RoleBank = { ...bank, questions: [warm('w1', 'Tell me about a Python project you built.'), warm('w2', 'What do you like about Python?'), gil, other] };
    const ok: AnswerEvaluation = { quality: 'good', technicalAccuracy: 0.8, clarity: 0.8, skills: [], coveredConcepts: [], missedConcepts: [], redFlags: [], unparseable: false };
    let [s] = startInterview({ role: 'python', skills: full.skills }, full, 0, { warmupQuestions: 2, minQuestions: 3, maxQuestions: 4, timeLimitMin: 45, abandonAfterMin: 30 });
    [s] = answerQuestion(s, { evaluation: ok, answerText: 'A billing service in Django.', now: 60_000 }, full);
    [s] = answerQuestion(s, { evaluation: ok, answerText: 'Readable code. The GIL bites: no parallelism for CPU-bound threads, so we use multiprocessing.', now: 120_000 }, full);
    expect(s.pending?.questionId).toBe(other.id);
    expect(s.askedQuestionIds).not.toContain(gil.id);
  });
});
