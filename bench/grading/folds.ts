/**
 * Five folds of SAF's train questions, for checking a grading change without the held-out splits:
 *
 *   npx tsx bench/grading/folds.ts dump before.json        # every answer's technicalAccuracy, as graded now
 *   (change the grader, or set the knob a change reads)
 *   npx tsx bench/grading/folds.ts dump after.json
 *   npx tsx bench/grading/folds.ts compare before.json after-a.json after-b.json ...
 *
 * `compare` prints, for each candidate, the pooled and within-question Pearson r per split and the
 * change on each held-out fold (train questions in id order, question i in fold i mod 5); with
 * several candidates (the settings of one constant) it also picks, for each fold, the candidate
 * best on the other four folds (pooled + within-question r) and reports that pick's change on the
 * fold it did not see. Grades from the real evaluator (gradeAnswer), like the bench.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { registerBank } from '../../bots/interviewer/grading/profile.js';
import { gradeAnswer } from '../../bots/interviewer/rubric-evaluator.js';
import type { Question } from '../../core/interview/index.js';
import { SPLITS, loadSaf, type Split } from './saf.js';
import { pearson } from './stats.js';

interface Row {
  q: string;
  split: Split;
  h: number;
  s: number;
}

const FOLDS = 5;

function dump(file: string): void {
  const data = loadSaf();
  if (!data) throw new Error('SAF data not found (set PARLEY_SAF_DIR)');
  registerBank([...data.questions.values()]);
  const rows: Row[] = data.answers.map((a) => ({ q: a.questionId, split: a.split, h: a.score, s: gradeAnswer(data.questions.get(a.questionId) as Question, a.answer).technicalAccuracy }));
  writeFileSync(file, JSON.stringify(rows));
}

function within(rows: readonly Row[]): number {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.q, [...(groups.get(r.q) ?? []), r]);
  const rs = [...groups.values()]
    .filter((g) => new Set(g.map((r) => r.s)).size > 1 && new Set(g.map((r) => r.h)).size > 1)
    .map((g) => pearson(g.map((r) => r.s), g.map((r) => r.h)));
  return rs.length ? rs.reduce((t, r) => t + r, 0) / rs.length : 0;
}
const pooled = (rows: readonly Row[]) => pearson(rows.map((r) => r.s), rows.map((r) => r.h));
function questionMeans(rows: readonly Row[]): number {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.q, [...(groups.get(r.q) ?? []), r]);
  const m = (xs: number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;
  const g = [...groups.values()];
  return pearson(g.map((x) => m(x.map((r) => r.s))), g.map((x) => m(x.map((r) => r.h))));
}

function compare(files: string[]): void {
  const [base, ...cands] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Row[]);
  if (!base) throw new Error('compare needs files');
  const ids = [...new Set(base.filter((r) => r.split === 'train').map((r) => r.q))].sort();
  const foldOf = new Map(ids.map((q, i) => [q, i % FOLDS]));
  const inFold = (rows: Row[], k: number) => rows.filter((r) => r.split === 'train' && foldOf.get(r.q) === k);
  const outFold = (rows: Row[], k: number) => rows.filter((r) => r.split === 'train' && foldOf.get(r.q) !== k);
  const f3 = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
  const show = (name: string, rows: Row[]) => {
    const parts = SPLITS.map((s) => rows.filter((r) => r.split === s)).map((p) => `${pooled(p).toFixed(3)} (${within(p).toFixed(3)})`);
    const folds = Array.from({ length: FOLDS }, (_, k) => `${f3(pooled(inFold(rows, k)) - pooled(inFold(base, k)))}/${f3(within(inFold(rows, k)) - within(inFold(base, k)))}`);
    console.log(`${name.padEnd(28)} train ${parts[0]}  UA ${parts[1]}  UQ ${parts[2]}  qmean ${questionMeans(rows.filter((r) => r.split === 'train')).toFixed(3)}  folds ${folds.join(' ')}`);
  };
  show(files[0] as string, base);
  cands.forEach((c, i) => show(files[i + 1] as string, c));
  if (cands.length === 0) return;
  const score = (rows: Row[]) => pooled(rows) + within(rows);
  let dp = 0;
  let dw = 0;
  const picks: string[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const all = [base, ...cands];
    const best = all.reduce((b, c) => (score(outFold(c, k)) > score(outFold(b, k)) ? c : b));
    picks.push(files[all.indexOf(best)] as string);
    dp += pooled(inFold(best, k)) - pooled(inFold(base, k));
    dw += within(inFold(best, k)) - within(inFold(base, k));
  }
  const meanDelta = (c: Row[]) => {
    let p = 0;
    let w = 0;
    for (let k = 0; k < FOLDS; k++) {
      p += pooled(inFold(c, k)) - pooled(inFold(base, k));
      w += within(inFold(c, k)) - within(inFold(base, k));
    }
    return `${f3(p / FOLDS)}/${f3(w / FOLDS)}`;
  };
  cands.forEach((c, i) => console.log(`held-out mean change ${files[i + 1]}: ${meanDelta(c)}`));
  console.log(`chosen on four folds, scored on the fifth: ${f3(dp / FOLDS)} pooled / ${f3(dw / FOLDS)} within (picks: ${picks.join(', ')})`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'dump' && args[0]) dump(args[0]);
else if (mode === 'compare' && args.length) compare(args);
else console.log('usage: folds.ts dump <file> | compare <base> [candidates...]');
