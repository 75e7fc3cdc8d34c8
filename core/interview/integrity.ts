import { z } from 'zod';
import type { AnswerRecord } from './session.js';
import type { Question } from './types.js';

/** Evidence for the recruiter, never an accusation. */
export const IntegrityFlagSchema = z.object({
  type: z.enum(['too-fast', 'paste-burst', 'copied-question', 'contradiction']),
  severity: z.enum(['low', 'medium', 'high']),
  evidence: z.string(),
  confidence: z.number().min(0).max(1),
  questionId: z.string(),
});
export type IntegrityFlag = z.infer<typeof IntegrityFlagSchema>;

/** A fast chat typist: about 80 words a minute. */
const WORDS_PER_SEC = 80 / 60;
const words = (t: string) => t.split(/\s+/).filter(Boolean);

/** Flags for one answer, given the question it answered. Pure: times come from the record. */
export function answerFlags(answer: AnswerRecord, question: Pick<Question, 'id' | 'text' | 'readingTimeSec'>): IntegrityFlag[] {
  const flags: IntegrityFlag[] = [];
  const n = words(answer.text).length;
  const took = Math.max(0, (answer.answeredAt - answer.askedAt) / 1000);
  const plausible = question.readingTimeSec * 0.5 + n / WORDS_PER_SEC;
  if (n >= 15 && took < plausible * 0.4) {
    const ratio = took / plausible;
    flags.push({
      type: 'too-fast',
      severity: ratio < 0.15 ? 'high' : ratio < 0.3 ? 'medium' : 'low',
      evidence: `${n} words answered ${took.toFixed(0)} s after the question (a fast typist needs about ${plausible.toFixed(0)} s)`,
      confidence: Number(Math.min(0.95, 1 - ratio).toFixed(2)),
      questionId: question.id,
    });
  }
  if (n >= 80 && took <= 20 && (answer.parts ?? 1) === 1) {
    flags.push({ type: 'paste-burst', severity: 'high', evidence: `a ${n}-word answer arrived in one message ${took.toFixed(0)} s after the question`, confidence: 0.8, questionId: question.id });
  }
  const overlap = trigramOverlap(answer.text, question.text);
  if (n >= 5 && overlap >= 0.6) {
    flags.push({ type: 'copied-question', severity: overlap >= 0.85 ? 'medium' : 'low', evidence: `${Math.round(overlap * 100)}% of the answer repeats the question's wording`, confidence: Number(overlap.toFixed(2)), questionId: question.id });
  }
  return flags;
}

function trigrams(text: string): Set<string> {
  const w = words(text.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' '));
  const out = new Set<string>();
  for (let i = 0; i + 2 < w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return out;
}

/** Share of the answer's word trigrams that also appear in the question. */
export function trigramOverlap(answer: string, question: string): number {
  const a = trigrams(answer);
  if (a.size === 0) return 0;
  const q = trigrams(question);
  let shared = 0;
  for (const t of a) if (q.has(t)) shared++;
  return shared / a.size;
}

const NEVER = /\b(?:never (?:used|worked with|touched)|no experience (?:with|in)|(?:haven't|have not|didn't|did not) (?:used?|work(?:ed)? with))\s+([\w.#+-]+)/gi;
const OFTEN = /\b(?:use|used|using|work with|worked with|working with)\s+([\w.#+-]+)\s+(?:daily|every day|all the time|for years|extensively|in production)/gi;

/** Claims like "I never used Redux" followed by "I use Redux daily". */
export function contradictionFlags(answers: readonly AnswerRecord[]): IntegrityFlag[] {
  const denied = new Map<string, AnswerRecord>();
  const flags: IntegrityFlag[] = [];
  for (const a of answers) {
    for (const m of a.text.matchAll(NEVER)) denied.set((m[1] as string).toLowerCase(), a);
    for (const m of a.text.matchAll(OFTEN)) {
      const term = (m[1] as string).toLowerCase();
      const earlier = denied.get(term);
      if (earlier && earlier !== a) {
        flags.push({ type: 'contradiction', severity: 'medium', evidence: `said they had never used "${term}" (${earlier.questionId}), later that they use it regularly (${a.questionId})`, confidence: 0.6, questionId: a.questionId });
      }
    }
  }
  return flags;
}
