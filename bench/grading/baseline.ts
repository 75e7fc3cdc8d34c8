/**
 * The baseline every grader must beat: TF-IDF bag-of-words cosine between the answer and the
 * reference answer (IDF over train answers and reference answers, as the data set's own
 * baselines.py computes it).
 */
import type { GradingSystem } from '../grading.bench.js';
import type { SafData } from './saf.js';

const words = (t: string) => t.toLowerCase().match(/[a-z0-9]+/g) ?? [];

export function cosineBaseline(data: SafData): GradingSystem {
  const docs = [...data.answers.filter((a) => a.split === 'train').map((a) => a.answer), ...[...data.questions.values()].map((q) => q.referenceAnswer ?? '')];
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(words(d))) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = (w: string) => Math.log((docs.length + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  const vector = (t: string) => {
    const v = new Map<string, number>();
    for (const w of words(t)) v.set(w, (v.get(w) ?? 0) + 1);
    for (const [w, n] of v) v.set(w, n * idf(w));
    return v;
  };
  const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0));
  return {
    name: 'bow-cosine',
    score: async (q, answer) => {
      const a = vector(answer);
      const r = vector(q.referenceAnswer ?? '');
      let dot = 0;
      for (const [w, x] of a) dot += x * (r.get(w) ?? 0);
      const den = norm(a) * norm(r);
      return den ? dot / den : 0;
    },
  };
}
