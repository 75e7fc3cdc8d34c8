/**
 * The next question's pick late in an interview (issue 13): `pickQuestion` over every shipped
 * bank with the candidate's earlier answers (the reference answers of the bank's first 12
 * questions, each credited with its first key concept), so every question is checked for a topic
 * already covered. Printed next to, in the same run, the same check made one question at a time
 * with `topicCovered` (which reads the answers again for each question, as the pick did before).
 */
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import { pickQuestion, topicCovered, type CoveredEvidence, type RoleBank } from '../core/interview/index.js';
import type { BenchResult } from './support.js';

const EARLIER = 12;

export async function run(opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  const banks = [...(await loadQuestionBanks([DEFAULT_BANK_DIR])).values()];
  const cases = banks.map((bank) => {
    const first = bank.questions.slice(0, EARLIER);
    const earlier: CoveredEvidence[] = first.map((q) => ({ text: q.referenceAnswer ?? q.text, covered: q.rubric.keyConcepts.slice(0, 1).map((k) => k.concept) }));
    return { bank, asked: first.map((q) => q.id), earlier, skill: first[0]?.skill ?? '' };
  });
  const budgetMs = ((opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 3)) * 1000) / 2;
  const pick = (c: (typeof cases)[number]) => pickQuestion(c.bank, c.skill, 'advanced', c.asked, [], c.earlier);
  // The baseline: every question checked on its own, answers read again each time.
  const oneByOne = (c: (typeof cases)[number]) => uncoveredOneByOne(c.bank, c.earlier, c.asked);
  const picked = perSecond(cases, pick, budgetMs);
  const baseline = perSecond(cases, oneByOne, budgetMs);
  const questions = cases.reduce((n, c) => n + c.bank.questions.length, 0) / cases.length;
  return [
    {
      name: 'question-pick',
      metrics: {
        banks: cases.length,
        'questions/bank': Math.round(questions),
        'earlier answers': EARLIER,
        'us/pick': (1e6 / picked).toFixed(1),
        'us/pick, one question at a time': (1e6 / baseline).toFixed(1),
        'vs one at a time': `${(picked / baseline).toFixed(1)}x`,
      },
    },
  ];
}

function uncoveredOneByOne(bank: RoleBank, earlier: readonly CoveredEvidence[], asked: readonly string[]): number {
  return bank.questions.filter((q) => !asked.includes(q.id) && !topicCovered(q, earlier)).length;
}

/** Calls per second of `fn` over the cases, after a warm-up, for about `budgetMs`. */
function perSecond<C>(cases: C[], fn: (c: C) => unknown, budgetMs: number): number {
  for (let i = 0; i < 50; i++) cases.forEach(fn);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    fn(cases[n % cases.length] as C);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}
