import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRIPTED_ROLES, scriptedAnswers, scriptedCandidate } from '../../test/__fixtures__/interview/candidates.js';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from './bank-loader.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const shipped = await loadQuestionBanks([DEFAULT_BANK_DIR], { minQuestionsPerSkillLevel: 2 });
const questions = [...shipped.values()].flatMap((b) => b.questions);

/**
 * Words of a text, lowercased, hyphens and apostrophes dropped, cut to their first 5 letters: a
 * deliberately crude matcher independent of the evaluator's own stemmer, so this test checks the
 * banks rather than the grading code ("re-renders" and "rerender" both become "reren").
 */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[-'’]/g, '')
    .split(/[^\p{L}\p{N}+#]+/u)
    .filter(Boolean)
    .map((w) => w.slice(0, 5));

/** Every word of `phrase` occurs in the reference answer. */
function mentions(answer: ReadonlySet<string>, phrase: string): boolean {
  const ws = words(phrase);
  return ws.length > 0 && ws.every((w) => answer.has(w));
}

/** How many of a question's key concepts a text mentions (through any synonym). */
function conceptsMentioned(q: (typeof questions)[number], text: string): number {
  const answer = new Set(words(text));
  return q.rubric.keyConcepts.filter((k) => k.synonyms.some((s) => mentions(answer, s))).length;
}

/** Runs of `n` consecutive words (lowercased, punctuation dropped). */
function runsOf(text: string, n: number): Set<string> {
  const ws = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + n <= ws.length; i++) out.add(ws.slice(i, i + n).join(' '));
  return out;
}

function runCheckBanks(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/check-banks.ts', ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('reference answers in the shipped banks', () => {
  it('every shipped question has one', () => {
    expect(questions.length).toBeGreaterThanOrEqual(250);
    expect(questions.filter((q) => !q.referenceAnswer?.trim()).map((q) => q.id)).toEqual([]);
  });

  it('are prose of one to five sentences, not a copy of the question or the rubric', () => {
    const bad = questions.filter((q) => {
      const ref = q.referenceAnswer ?? '';
      const sentences = ref.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      const copied = ref === q.text || ref === q.rubric.strongAnswerPoints.join(' ');
      return ref.length < 120 || ref.length > 1200 || sentences > 5 || copied;
    });
    expect(bad.map((q) => q.id)).toEqual([]);
  });

  it('mention every key concept of the rubric through at least one of its synonyms', () => {
    const missed = questions.flatMap((q) => {
      const answer = new Set(words(q.referenceAnswer ?? ''));
      return q.rubric.keyConcepts.filter((k) => !k.synonyms.some((s) => mentions(answer, s))).map((k) => `${q.id}: ${k.concept}`);
    });
    expect(missed).toEqual([]);
  });
});

describe('scripts/check-banks.ts', () => {
  it('passes on the shipped banks', async () => {
    const res = await runCheckBanks([]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/total: \d+ questions in 6 roles/);
  }, 90_000);

  it('fails naming the questions that lack a referenceAnswer, unless told to allow it', async () => {
    // The shipped Python bank with the reference answers of two questions cut out (the folded block
    // is the key line plus its more-indented continuation lines).
    const dir = mkdtempSync(join(tmpdir(), 'parley-banks-'));
    let yaml = readFileSync(join(DEFAULT_BANK_DIR, 'python.yaml'), 'utf8');
    for (const id of ['python-testing-fundamental-1', 'python-concurrency-expert-2']) {
      yaml = yaml.replace(new RegExp(`(- id: ${id}\\n(?:(?!- id:).*\\n)*?)  referenceAnswer: >-\\n(?:    .*\\n)+`), '$1');
    }
    writeFileSync(join(dir, 'python.yaml'), yaml);
    const strict = await runCheckBanks([dir]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('2 question(s) without a referenceAnswer: python-concurrency-expert-2, python-testing-fundamental-1');
    const lenient = await runCheckBanks(['--allow-missing-reference', dir]);
    expect(lenient.stderr).toBe('');
    expect(lenient.code).toBe(0);
  }, 90_000);
});

describe('scripted interview candidates (test/__fixtures__/interview)', () => {
  const scripted = Object.fromEntries(SCRIPTED_ROLES.map((r) => [r, scriptedAnswers(r)]));

  it('answer every shipped question, strongly and weakly, and nothing else', () => {
    expect([...shipped.keys()].sort()).toEqual([...SCRIPTED_ROLES].sort());
    const missing = questions.filter((q) => !scripted[q.id.split('-')[0]!]?.[q.id]?.strong?.trim() || !scripted[q.id.split('-')[0]!]?.[q.id]?.weak?.trim());
    expect(missing.map((q) => q.id)).toEqual([]);
    const ids = new Set(questions.map((q) => q.id));
    const stale = Object.values(scripted).flatMap((answers) => Object.keys(answers).filter((id) => !ids.has(id)));
    expect(stale).toEqual([]);
  });

  it('strong answers are not copied from the reference answer or the rubric (no 8-word run in common)', () => {
    const copied = questions.flatMap((q) => {
      const source = runsOf([q.referenceAnswer ?? '', ...q.rubric.strongAnswerPoints].join(' | '), 8);
      const shared = [...runsOf(scripted[q.id.split('-')[0]!]![q.id]!.strong, 8)].filter((r) => source.has(r));
      return shared.length ? [`${q.id}: "${shared[0]}"`] : [];
    });
    expect(copied).toEqual([]);
  });

  it('strong answers mention every key concept; weak ones mention fewer, and few overall', () => {
    let weakMentions = 0;
    let concepts = 0;
    const bad = questions.flatMap((q) => {
      const { strong, weak } = scripted[q.id.split('-')[0]!]![q.id]!;
      const s = conceptsMentioned(q, strong);
      const w = conceptsMentioned(q, weak);
      weakMentions += w;
      concepts += q.rubric.keyConcepts.length;
      return s < q.rubric.keyConcepts.length || w >= s ? [`${q.id}: strong ${s}, weak ${w} of ${q.rubric.keyConcepts.length}`] : [];
    });
    expect(bad).toEqual([]);
    expect(weakMentions / concepts).toBeLessThan(0.25);
  });

  it('a scripted candidate answers the bank question a bot message quotes, and nothing else', async () => {
    const strong = await scriptedCandidate('strong');
    const weak = await scriptedCandidate('weak');
    const q = questions.find((x) => x.id === 'react-hooks-fundamental-1')!;
    const message = `Question 4 of 15 (*Hooks and effects*):\n${q.text.replace(/ /g, '  ')}\nTake your time.`;
    expect(strong(message)).toBe(scriptedAnswers('react')[q.id]!.strong);
    expect(weak(message)).toBe(scriptedAnswers('react')[q.id]!.weak);
    expect(strong('Hi! Which role are you applying for?')).toBeUndefined();
  });

  it('a mixed candidate answers per skill: strong in one, weak in another', async () => {
    const mixed = await scriptedCandidate((q) => (q.skill === 'testing' ? 'weak' : 'strong'));
    const testing = questions.find((x) => x.id === 'python-testing-fundamental-2')!;
    const concurrency = questions.find((x) => x.id === 'python-concurrency-fundamental-2')!;
    expect(mixed(testing.text)).toBe(scriptedAnswers('python')[testing.id]!.weak);
    expect(mixed(concurrency.text)).toBe(scriptedAnswers('python')[concurrency.id]!.strong);
  });
});
