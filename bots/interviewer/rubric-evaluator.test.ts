import { describe, expect, it } from '@jest/globals';
import type { Question } from '../../core/interview/index.js';
import { gradeAnswer, RubricEvaluator } from './rubric-evaluator.js';
import { containsPhrase, stem, stems } from './text-analysis.js';

const useEffectQ: Question = {
  id: 'react-hooks-fundamental-1',
  skill: 'hooks',
  level: 'fundamental',
  text: 'What does the dependency array of useEffect control?',
  readingTimeSec: 25,
  rubric: {
    keyConcepts: [
      { concept: 're-run when dependencies change', synonyms: ['dependencies change', 'values change', 'rerun', 're-executes'], weight: 1 },
      { concept: 'empty array runs once', synonyms: ['only on mount', 'once after mount', 'empty array', 'runs once'], weight: 1 },
      { concept: 'no array runs after every render', synonyms: ['every render', 'each render', 'after all renders'], weight: 1 },
    ],
    strongAnswerPoints: ['The effect re-runs after a render only when a value in the array changed.'],
    redFlags: ['the effect runs before render'],
  },
};

const memoQ: Question = {
  id: 'react-performance-advanced-1',
  skill: 'performance',
  level: 'advanced',
  text: 'When does React.memo help, and when does it not prevent a re-render?',
  readingTimeSec: 40,
  rubric: {
    keyConcepts: [
      { concept: 'shallow prop comparison', synonyms: ['shallow compare', 'shallowly compares props', 'same props'], weight: 1 },
      { concept: 'new object or function props break memo', synonyms: ['inline function', 'new object every render', 'useCallback', 'usememo'], weight: 1 },
      { concept: 'context or state changes still re-render', synonyms: ['context change', 'own state', 'usecontext'], weight: 1 },
    ],
    strongAnswerPoints: ['memo skips re-rendering when props are shallowly equal; inline callbacks defeat it unless memoized.'],
    redFlags: [],
  },
};

const STRONG =
  'It controls when the effect re-runs: after a render React compares each dependency with Object.is and the effect re-executes only when one of the values changes. An empty array means it runs once after mount, and with no array at all it runs after every render. For example, a fetch keyed on `userId`.';

describe('stemming and phrase matching', () => {
  it.each([
    ['re-rendering', 'rerender'],
    ['re-render', 'rerender'],
    ['rerenders', 'rerender'],
    ['memoized', 'memoize'],
    ['memoizes', 'memoize'],
    ['running', 'run'],
    ['dependencies', 'dependency'.replace(/y$/, 'y')],
  ])('%s -> %s', (word, expected) => expect(stem(word)).toBe(stem(expected)));

  it('matches phrases as stem sequences with one filler word allowed', () => {
    expect(containsPhrase(stems('the values have changed since'), 'values change')).toBe(true);
    expect(containsPhrase(stems('it only runs on the mount'), 'only on mount')).toBe(true);
    expect(containsPhrase(stems('mount happens only later'), 'only on mount')).toBe(false);
  });
});

describe('RubricEvaluator', () => {
  it('rates a strong, specific answer excellent with high accuracy', async () => {
    const e = await new RubricEvaluator().evaluate({ role: 'react', question: useEffectQ, answer: STRONG });
    expect(e.quality).toBe('excellent');
    expect(e.technicalAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(e.coveredConcepts).toHaveLength(3);
    expect(e.missedConcepts).toEqual([]);
    expect(e.skills).toEqual(['hooks']);
    expect(e.rationale).toMatch(/covered 3\/3 concepts/);
  });

  it('rates a partial answer fair and names what was missed', () => {
    const e = gradeAnswer(useEffectQ, 'With an empty array the effect only runs once, on mount, which is handy for fetching data.');
    expect(e.quality).toBe('fair');
    expect(e.coveredConcepts).toEqual(['empty array runs once']);
    expect(e.missedConcepts).toEqual(['re-run when dependencies change', 'no array runs after every render']);
  });

  it.each(["I don't know", 'idk', 'no idea, sorry', 'Not sure', 'pass', "I'm not sure"])('treats "%s" as an honest poor answer, not unparseable', (answer) => {
    expect(gradeAnswer(useEffectQ, answer)).toMatchObject({ quality: 'poor', technicalAccuracy: 0, unparseable: false });
  });

  it('rates an empty answer poor', () => {
    expect(gradeAnswer(useEffectQ, '   ')).toMatchObject({ quality: 'poor', technicalAccuracy: 0, clarity: 0 });
  });

  it.each(['asdf qwer zxcv', 'lkjhg fdsa mnbv xcvbn', 'I like turtles and sunny weather'])('flags "%s" as unparseable', (answer) => {
    expect(gradeAnswer(useEffectQ, answer)).toMatchObject({ quality: 'poor', unparseable: true });
  });

  it('rates a copy of the question poor', () => {
    expect(gradeAnswer(useEffectQ, 'what does the dependency array of useEffect control').quality).toBe('poor');
  });

  it('lowers accuracy for a stated misconception and reports it, but not for a rejected one', () => {
    const wrong = gradeAnswer(useEffectQ, `${STRONG} Also, the effect runs before render.`);
    expect(wrong.redFlags).toEqual(['the effect runs before render']);
    expect(wrong.technicalAccuracy).toBeLessThan(gradeAnswer(useEffectQ, STRONG).technicalAccuracy);
    const rejected = gradeAnswer(useEffectQ, `${STRONG} A common misconception is to think the effect runs before render.`);
    expect(rejected.redFlags).toEqual([]);
  });

  it('is deterministic', () => {
    expect(gradeAnswer(memoQ, STRONG)).toEqual(gradeAnswer(memoQ, STRONG));
  });

  it('gives a padded answer lower clarity than a concise one with the same concepts', () => {
    const concise = 'React.memo shallowly compares props and skips the re-render when they are the same; an inline function breaks that unless wrapped in useCallback, and a context change still re-renders.';
    const padded = `${concise} ${'so yes basically like I said the props the props the props '.repeat(12)}`;
    expect(gradeAnswer(memoQ, padded).clarity).toBeLessThan(gradeAnswer(memoQ, concise).clarity);
  });

  it('never rates a five-word answer to an advanced question excellent', () => {
    expect(gradeAnswer(memoQ, 'shallow compare, useCallback, usecontext').quality).not.toBe('excellent');
  });
});
