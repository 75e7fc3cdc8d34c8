/**
 * Agreement of the offline evaluator with human graders on SAF (human-graded computer-networks
 * short answers; see bench/grading/saf.ts), next to a bag-of-words cosine baseline computed in
 * the same run, and the LLM evaluator when OPENAI_API_KEY is set. Per split: Pearson and
 * Spearman with score / max_score, RMSE after a linear fit on train, Pearson and RMSE after a
 * monotone (isotonic) fit on train, quadratic-weighted kappa on a 0..4 scale (human score rounded
 * to quarters; the grader's score cut into five ratings at the points that give train the human
 * ratings' proportions), the mean Pearson within each question, and the Pearson of the
 * per-question means.
 */
import { registerBank } from '../bots/interviewer/grading/profile.js';
import { RubricEvaluator } from '../bots/interviewer/rubric-evaluator.js';
import type { Question } from '../core/interview/index.js';
import { SPLITS, loadSaf, safDir, type SafAnswer, type SafData, type Split } from './grading/saf.js';
import { bin, isotonicFit, linearFit, mean, pearson, quadraticKappa, quantileCuts, rmse, spearman } from './grading/stats.js';
import { cosineBaseline } from './grading/baseline.js';
import { llmSystem } from './grading/llm.js';
import { scriptedCandidates } from './grading/scripted.js';
import type { BenchResult } from './support.js';

/** A grader under test: a number per answer, higher is better. */
export interface GradingSystem {
  name: string;
  score(question: Question, answer: string): Promise<number>;
  /** Splits to run (the LLM skips train to save tokens). */
  splits?: readonly Split[];
  /** At most this many answers per split (the first ones of each question in turn). */
  limit?: number;
}

const SHORT: Record<Split, string> = { train: 'train', test_unseen_answers: 'unseen-answers', test_unseen_questions: 'unseen-questions' };

export async function run(): Promise<BenchResult[]> {
  const scripted = await scriptedCandidates();
  const data = loadSaf();
  if (!data) {
    console.log(`grading: skipped, the SAF data set is not at ${safDir()} (set PARLEY_SAF_DIR to its folder)`);
    return scripted;
  }
  registerBank([...data.questions.values()]); // IDF from the bank's own text, as the bank loader does
  const rubric = new RubricEvaluator();
  const systems: GradingSystem[] = [
    { name: 'rubric', score: async (q, a) => (await rubric.evaluate({ role: 'saf', question: q, answer: a })).technicalAccuracy },
    cosineBaseline(data),
  ];
  const llm = llmSystem(rubric);
  if (llm) systems.push(llm);
  else console.log('grading: LLM evaluator skipped (set OPENAI_API_KEY, and OPENAI_BASE_URL for any OpenAI-compatible endpoint)');
  const results: BenchResult[] = [...scripted];
  for (const system of systems) results.push(...(await measure(system, data)));
  results.push(unparseableShare(data, await scoreAll(data, (q, a) => rubric.evaluate({ role: 'saf', question: q, answer: a }).then((e) => (e.unparseable ? 1 : 0)))));
  return results;
}

async function scoreAll(data: SafData, score: (q: Question, a: string) => Promise<number>, splits: readonly Split[] = SPLITS, limit = Infinity): Promise<Map<SafAnswer, number>> {
  const out = new Map<SafAnswer, number>();
  const taken = new Map<Split, number>();
  for (const a of spread(data.answers)) {
    if (!splits.includes(a.split) || (taken.get(a.split) ?? 0) >= limit) continue;
    taken.set(a.split, (taken.get(a.split) ?? 0) + 1);
    out.set(a, await score(data.questions.get(a.questionId) as Question, a.answer));
  }
  return out;
}

/** Answers interleaved across questions, so a capped run still sees every question. */
function spread(answers: readonly SafAnswer[]): SafAnswer[] {
  const byQuestion = new Map<string, SafAnswer[]>();
  for (const a of answers) byQuestion.set(a.questionId, [...(byQuestion.get(a.questionId) ?? []), a]);
  const lists = [...byQuestion.values()];
  const out: SafAnswer[] = [];
  for (let i = 0; out.length < answers.length; i++) for (const l of lists) if (l[i]) out.push(l[i] as SafAnswer);
  return out;
}

async function measure(system: GradingSystem, data: SafData): Promise<BenchResult[]> {
  const scores = await scoreAll(data, (q, a) => system.score(q, a), system.splits, system.limit);
  const pairs = (split: Split) => [...scores].filter(([a]) => a.split === split);
  const train = pairs('train');
  // Without train scores (the LLM), the identity line: its 0..1 accuracy is already a score.
  const fit = train.length ? linearFit(train.map(([, x]) => x), train.map(([a]) => a.score)) : { a: 0, b: 1 };
  // A monotone calibration fitted on train (isotonic), for what RMSE the scale alone can buy.
  const iso = train.length ? isotonicFit(train.map(([, x]) => x), train.map(([a]) => a.score)) : (x: number) => x;
  // Kappa needs a rating, not a regression: cut the score where train's human ratings are cut.
  const cuts = train.length ? quantileCuts(train.map(([, x]) => x), train.map(([a]) => bin(a.score, 5)), 5) : [0.125, 0.375, 0.625, 0.875];
  return (system.splits ?? SPLITS).map((split) => {
    const p = pairs(split);
    const x = p.map(([, s]) => s);
    const y = p.map(([a]) => a.score);
    const fitted = x.map((s) => Math.max(0, Math.min(1, fit.a + fit.b * s)));
    return {
      name: `grading ${system.name} ${SHORT[split]}`,
      metrics: {
        n: p.length,
        pearson: pearson(x, y).toFixed(3),
        spearman: spearman(x, y).toFixed(3),
        rmse: rmse(fitted, y).toFixed(3),
        'rmse isotonic': rmse(x.map(iso), y).toFixed(3),
        'pearson isotonic': pearson(x.map(iso), y).toFixed(3),
        qwk: quadraticKappa(x.map((s) => cuts.filter((c) => s > c).length), y.map((h) => bin(h, 5)), 5).toFixed(3),
        'within-question r': withinQuestion(p).toFixed(3),
        'question-mean r': questionMeans(p).toFixed(3),
      },
      ...(system.name === 'rubric' && split !== 'train' ? { goal: 'pearson >= 0.60' } : {}),
    };
  });
}

/**
 * Mean Pearson r inside each question (questions whose human or system scores all tie are left
 * out): agreement on which answers to one question are better, without how hard each question was.
 */
function withinQuestion(pairs: readonly (readonly [SafAnswer, number])[]): number {
  const rs = byQuestion(pairs).filter(([xs, ys]) => new Set(xs).size > 1 && new Set(ys).size > 1).map(([xs, ys]) => pearson(xs, ys));
  return rs.length ? rs.reduce((t, r) => t + r, 0) / rs.length : 0;
}

/**
 * Pearson r between the grader's and the humans' mean score per question: whether the grader
 * finds the same questions hard. Over few questions (26 in train, 5 unseen), so a coarse figure.
 */
function questionMeans(pairs: readonly (readonly [SafAnswer, number])[]): number {
  const means = byQuestion(pairs);
  return pearson(means.map(([xs]) => mean(xs)), means.map(([, ys]) => mean(ys)));
}

/** How often the rubric evaluator calls an answer unreadable, and how humans graded those. */
function unparseableShare(data: SafData, flags: Map<SafAnswer, number>): BenchResult {
  const flagged = [...flags].filter(([, f]) => f === 1).map(([a]) => a);
  return {
    name: 'grading rubric unparseable',
    metrics: {
      answers: flags.size,
      flagged: flagged.length,
      'share %': ((100 * flagged.length) / Math.max(1, flags.size)).toFixed(1),
      'of them human >= 0.8': flagged.filter((a) => a.score >= 0.8).length,
    },
  };
}

/** Per question: the grader's scores and the humans' scores, in the same order. */
function byQuestion(pairs: readonly (readonly [SafAnswer, number])[]): [number[], number[]][] {
  const groups = new Map<string, [number[], number[]]>();
  for (const [a, s] of pairs) {
    const [xs, ys] = groups.get(a.questionId) ?? [[], []];
    xs.push(s);
    ys.push(a.score);
    groups.set(a.questionId, [xs, ys]);
  }
  return [...groups.values()];
}
