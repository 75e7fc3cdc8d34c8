import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Question } from '../../core/interview/index.js';
import { SCRIPTED_ROLES, scriptedAnswers } from '../../test/__fixtures__/interview/candidates.js';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from './bank-loader.js';
import { gradeAnswer, RubricEvaluator } from './rubric-evaluator.js';
import { containsPhrase, stem, stems, tokenize } from './text-analysis.js';

const useEffectQ: Question = {
  id: 'react-hooks-fundamental-1',
  skill: 'hooks',
  level: 'fundamental',
  text: 'What does the dependency array of useEffect control?',
  readingTimeSec: 25,
  referenceAnswer:
    'It lists the values from the component that the effect reads. After each render React compares them with the previous ones (Object.is) and re-runs the effect only if one changed. An empty array runs the effect once after mount; with no array at all it runs after every render.',
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
  referenceAnswer:
    'React.memo skips re-rendering a component when its props are shallowly equal to the last ones, each prop identical by reference. It helps for expensive children of parents that re-render often. It does not help when a prop is a new object or inline function on every render (unless wrapped in useMemo or useCallback), and a memoized component still re-renders for its own state or a context it uses.',
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

const passQ: Question = {
  id: 'python-core-language-intermediate-1',
  skill: 'core-language',
  level: 'intermediate',
  text: 'How are arguments passed to a function in Python?',
  readingTimeSec: 30,
  referenceAnswer:
    'Python passes object references by value (call by sharing): the function gets a reference to the same object. Mutating a mutable argument, such as appending to a list, is visible to the caller; rebinding the parameter to a new object is not.',
  rubric: {
    keyConcepts: [
      { concept: 'a reference to the same object', synonyms: ['reference', 'call by sharing', 'same object'], weight: 1 },
      { concept: 'mutation is visible to the caller', synonyms: ['mutating', 'caller sees the change'], weight: 1 },
      { concept: 'rebinding does not affect the caller', synonyms: ['rebinding', 'reassigning the parameter'], weight: 1 },
    ],
    strongAnswerPoints: ['The function gets a reference to the same object: mutations show to the caller, rebinding the name does not.'],
    redFlags: [],
  },
};

const hookQ: Question = {
  id: 'react-hooks-intermediate-1',
  skill: 'hooks',
  level: 'intermediate',
  text: 'Why would you write a custom hook?',
  readingTimeSec: 25,
  rubric: {
    keyConcepts: [{ concept: 'reusability', synonyms: ['share logic'], weight: 1 }],
    strongAnswerPoints: ['To share stateful logic between components without changing their tree.'],
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
    ['reusability', 'reuse'],
    ['passes', 'pass'],
    ['statuses', 'status'],
  ])('%s -> %s', (word, expected) => expect(stem(word)).toBe(stem(expected)));

  it('keeps the parts of a hyphenated term, and glues a prefix like "re"', () => {
    expect(tokenize('Pass-by-reference')).toEqual(['pass', 'by', 'reference']);
    expect(tokenize('re-render')).toEqual(['rerender']);
  });

  it('matches phrases as stem sequences with filler words allowed', () => {
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

  it('rates an answer that covers one concept of three below excellent and names what was missed', () => {
    const e = gradeAnswer(useEffectQ, 'With an empty array the effect only runs once, on mount, which is handy for fetching data.');
    expect(['fair', 'good']).toContain(e.quality);
    expect(e.technicalAccuracy).toBeLessThan(gradeAnswer(useEffectQ, STRONG).technicalAccuracy - 0.2);
    expect(e.coveredConcepts).toEqual(['empty array runs once']);
    expect(e.missedConcepts).toEqual(['re-run when dependencies change', 'no array runs after every render']);
  });

  it('orders a complete, a partial, a one-concept and a wrong answer', () => {
    const scores = [
      STRONG,
      'It re-runs the effect when a listed value changes, and an empty array means once after mount.',
      'An empty array.',
      'It sets the CSS class of the component.',
    ].map((a) => gradeAnswer(useEffectQ, a).technicalAccuracy);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(4);
  });

  it.each(["I don't know", 'idk', 'no idea, sorry', 'Not sure', 'pass', "I'm not sure", 'dunno', 'Never heard of it, sorry.', "I don't remember"])('treats "%s" as an honest poor answer, not unparseable', (answer) => {
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

  it('grades a short answer in the words of the reference answer (not the rubric) instead of calling it unreadable', () => {
    const e = gradeAnswer(memoQ, 'If incoming values are identical by reference, it bails out.');
    expect(e).toMatchObject({ unparseable: false });
    expect(e.technicalAccuracy).toBeGreaterThan(0);
  });

  it.each([
    ['reads "Pass-by-reference" as an answer, not as "pass"', passQ, "Pass-by-reference, sort of: the function gets a reference to the same list, so appending changes the caller's list."],
    ['reads a hedged answer as an answer, not as "not sure"', useEffectQ, 'Not sure, but I think the effect re-runs whenever one of the listed values changes.'],
  ])('%s', (_name, question, answer) => {
    const e = gradeAnswer(question, answer);
    expect(e.unparseable).toBe(false);
    expect(e.rationale).not.toMatch(/do not know/);
    expect(e.technicalAccuracy).toBeGreaterThan(0.3);
    expect(e.coveredConcepts.length).toBeGreaterThan(0);
  });

  it('matches a concept inside a hyphenated term ("pass-by-reference" says "reference")', () => {
    expect(gradeAnswer(passQ, 'It is pass-by-reference.').coveredConcepts).toContain('a reference to the same object');
  });

  it('does not count a concept covered by a synonym that only repeats the question', () => {
    const echoQ: Question = {
      ...useEffectQ,
      rubric: { ...useEffectQ.rubric, keyConcepts: [...useEffectQ.rubric.keyConcepts, { concept: 'lists the values the effect reads', synonyms: ['dependency'], weight: 1 }] },
    };
    const e = gradeAnswer(echoQ, 'The dependency thing matters a lot for performance in my experience.');
    expect(e.coveredConcepts).not.toContain('lists the values the effect reads');
  });

  it('tolerates another ending of the same word ("reuse" for "reusability")', () => {
    expect(gradeAnswer(hookQ, 'So you can reuse stateful code across components.').coveredConcepts).toContain('reusability');
  });

  it('tolerates a typo in a longer word ("idempotant")', () => {
    const putQ: Question = {
      ...hookQ,
      id: 'fullstack-http-apis-fundamental-9',
      text: 'Why can a client safely retry a PUT request?',
      rubric: { ...hookQ.rubric, keyConcepts: [{ concept: 'idempotent', synonyms: ['same result when repeated'], weight: 1 }] },
    };
    expect(gradeAnswer(putQ, 'Because PUT is idempotant: sending it twice leaves the resource as sending it once.').coveredConcepts).toEqual(['idempotent']);
  });

  it('gives partial credit for part of a concept, and says so', () => {
    const part = gradeAnswer(passQ, 'The function receives a reference to the same object; assigning does not affect much.');
    const none = gradeAnswer(passQ, 'The function receives a reference to the same object; assigning is another story.');
    expect(part.rationale).toMatch(/partly: rebinding does not affect the caller \(\d+%\)/);
    expect(part.technicalAccuracy).toBeGreaterThan(none.technicalAccuracy);
  });

  it('never rates a five-word answer to an advanced question excellent', () => {
    expect(gradeAnswer(memoQ, 'shallow compare, useCallback, usecontext').quality).not.toBe('excellent');
  });
});

describe('red flags: a misconception stated, not one the answer corrects', () => {
  const flagQ = (redFlags: string[]): Question => ({ ...useEffectQ, id: 'flags-only', rubric: { ...useEffectQ.rubric, redFlags } });

  it('does not flag an answer that negates the misconception right before it', () => {
    const q = flagQ(['react compares dependencies with a deep equality check', 'lazy-loading the hero image improves lcp']);
    expect(gradeAnswer(q, 'React checks dependencies with Object.is, reference equality, not a deep comparison, so a new object every render re-runs it.').redFlags).toEqual([]);
    expect(gradeAnswer(q, 'LCP is the hero image in most pages, so preload it and definitely not lazy-load it; lazy-loading below the fold is fine.').redFlags).toEqual([]);
    expect(gradeAnswer(q, 'Use a preloaded hero image instead of lazy-loading it, which would hurt LCP.').redFlags).toEqual([]);
    expect(gradeAnswer(q, 'React compares dependencies with a deep equality check, so it must be a bug.').redFlags).toEqual(['react compares dependencies with a deep equality check']);
    expect(gradeAnswer(q, 'Lazy-loading the hero image improves LCP, so I add loading=lazy everywhere.').redFlags).toEqual(['lazy-loading the hero image improves lcp']);
  });

  it('rates an otherwise complete answer that states a misconception fair at best', () => {
    const q = flagQ(['the effect runs before render']);
    expect(gradeAnswer(q, STRONG).quality).toBe('excellent');
    expect(gradeAnswer(q, `${STRONG} Also, the effect runs before render.`).quality).toBe('fair');
  });

  it('needs the misconception said in one sentence in its order, not its words scattered over a correct answer', () => {
    const q = flagQ(['uselayouteffect fires before react updates the dom']);
    expect(gradeAnswer(q, 'useLayoutEffect fires synchronously once React has applied its DOM changes but before the browser paints; updates then show at once.').redFlags).toEqual([]);
    expect(gradeAnswer(q, 'useLayoutEffect fires before React updates the DOM, so you cannot measure anything in it.').redFlags).toEqual(['uselayouteffect fires before react updates the dom']);
  });

  it('flags a misconception that itself contains a negation only when the answer says it the same way', () => {
    const q = flagQ(['denormalized copies never need to be kept in sync']);
    expect(gradeAnswer(q, STRONG).redFlags).toEqual([]);
    expect(gradeAnswer(q, 'Denormalized copies never need to be kept in sync, so I denormalize everything.').redFlags).toHaveLength(1);
    expect(gradeAnswer(q, 'Denormalized copies need to be kept in sync, with a trigger or an event, which is the cost.').redFlags).toEqual([]);
  });
});

describe('the scripted candidates of the six shipped roles', () => {
  let graded: { id: string; kind: 'strong' | 'weak'; level: string; answer: string; e: ReturnType<typeof gradeAnswer> }[] = [];
  beforeAll(async () => {
    const banks = await loadQuestionBanks([DEFAULT_BANK_DIR]);
    graded = [];
    for (const bank of banks.values()) {
      for (const q of bank.questions) {
        const role = SCRIPTED_ROLES.find((r) => q.id.startsWith(`${r}-`));
        const answers = role ? scriptedAnswers(role)[q.id] : undefined;
        if (!answers) continue;
        for (const kind of ['strong', 'weak'] as const) graded.push({ id: q.id, kind, level: q.level, answer: answers[kind], e: gradeAnswer(q, answers[kind]) });
      }
    }
  });

  it('never flags a misconception in a strong answer, and still flags weak answers that state one', () => {
    expect(graded.length).toBeGreaterThan(400);
    expect(graded.filter((g) => g.kind === 'strong' && g.e.redFlags.length).map((g) => `${g.id}: ${g.e.redFlags.join(', ')}`)).toEqual([]);
    const weakFlagged = new Set(graded.filter((g) => g.kind === 'weak' && g.e.redFlags.length).map((g) => g.id));
    for (const id of ['react-hooks-advanced-1', 'fullstack-frontend-intermediate-2', 'fullstack-databases-intermediate-2', 'python-core-language-advanced-1', 'javascript-async-advanced-1', 'data-statistics-intermediate-1']) {
      expect(weakFlagged).toContain(id);
    }
    expect(weakFlagged.size).toBeGreaterThanOrEqual(100); // 110 weak answers quote their question's misconception
  });

  it('does not rate a warm-up answer with no concrete content good', () => {
    const warmupWeak = graded.filter((g) => g.kind === 'weak' && g.level === 'warmup');
    expect(warmupWeak.length).toBeGreaterThan(20);
    expect(warmupWeak.filter((g) => g.e.quality === 'good' || g.e.quality === 'excellent').map((g) => `${g.id}: ${g.answer}`)).toEqual([]);
  });

  it('rates every strong answer good or excellent, every weak one fair or poor and most of them poor', () => {
    const strong = graded.filter((g) => g.kind === 'strong');
    const weak = graded.filter((g) => g.kind === 'weak');
    expect(strong.filter((g) => g.e.quality !== 'good' && g.e.quality !== 'excellent').map((g) => `${g.id} ${g.e.quality}`)).toEqual([]);
    expect(weak.filter((g) => g.e.quality !== 'fair' && g.e.quality !== 'poor').map((g) => `${g.id} ${g.e.quality}`)).toEqual([]);
    expect(weak.filter((g) => g.e.quality === 'poor').length).toBeGreaterThanOrEqual(0.8 * weak.length);
    // Below the interview's weak-answer accuracy (core/interview/machine.ts WEAK_ACCURACY 0.4), so the skill finds its boundary.
    expect(weak.filter((g) => g.e.technicalAccuracy >= 0.4).length).toBeLessThanOrEqual(0.1 * weak.length);
  });
});
