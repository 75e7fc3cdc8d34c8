/**
 * Offline rubric evaluator throughput on one core: every question of the shipped banks, each
 * with a strong, a partial and a "don't know" answer, graded for ~3 seconds.
 */
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import { gradeAnswer } from '../bots/interviewer/rubric-evaluator.js';
import type { Question } from '../core/interview/index.js';
import { percentile, rssMb, type BenchResult } from './support.js';

export async function run(opts: { seconds?: number } = {}): Promise<BenchResult[]> {
  const banks = await loadQuestionBanks([DEFAULT_BANK_DIR]);
  const cases: [Question, string][] = [...banks.values()].flatMap((b) =>
    b.questions.flatMap((q) => [
      [q, `${q.rubric.strongAnswerPoints.join(' ')} For example, ${q.rubric.keyConcepts.map((k) => k.concept).join(', ')}.`] as [Question, string],
      [q, `I think it is about ${q.rubric.keyConcepts[0]?.concept ?? 'this'}, but I'm not completely sure how it works in practice.`] as [Question, string],
      [q, "I don't know"] as [Question, string],
    ]),
  );
  for (const [q, a] of cases.slice(0, 300)) gradeAnswer(q, a); // warm up
  const budgetMs = (opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 3)) * 1000;
  const samples: number[] = [];
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < budgetMs) {
    const [q, a] = cases[n++ % cases.length] as [Question, string];
    const t = performance.now();
    gradeAnswer(q, a);
    samples.push(performance.now() - t);
  }
  const secs = (performance.now() - start) / 1000;
  samples.sort((x, y) => x - y);
  return [
    {
      name: 'rubric-evaluator',
      goal: '>= 2000 evaluations/s on one core',
      metrics: { questions: cases.length / 3, evaluations: n, 'evaluations/s': Math.round(n / secs), 'p50 ms': percentile(samples, 0.5).toFixed(3), 'p99 ms': percentile(samples, 0.99).toFixed(3), 'rss MB': rssMb() },
    },
  ];
}
