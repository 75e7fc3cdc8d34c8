/**
 * The SAF short-answer data set (computer networks, human-graded), read at run time from
 * `../shared/datasets/saf` beside the repository (or `PARLEY_SAF_DIR`), never copied into the
 * project. Each SAF question becomes a Parley bank question mechanically: the rubric and the
 * reference answer come from the reference text only, by code that works for any question.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rubricFromReference } from '../../bots/interviewer/grading/reference-rubric.js';
import type { Question } from '../../core/interview/index.js';

export const SPLITS = ['train', 'test_unseen_answers', 'test_unseen_questions'] as const;
export type Split = (typeof SPLITS)[number];

export interface SafAnswer {
  id: string;
  questionId: string;
  answer: string;
  /** Human score / the question's maximum, 0..1. */
  score: number;
  label: string;
  split: Split;
}

export interface SafData {
  dir: string;
  questions: Map<string, Question>;
  answers: SafAnswer[];
}

interface RawQuestion {
  id: string;
  question: string;
  reference_answer: string;
  max_score: number;
}
interface RawAnswer {
  id: string;
  question_id: string;
  answer: string;
  score: number;
  label: string;
  split: Split;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the data set is looked for. */
export function safDir(): string {
  return process.env.PARLEY_SAF_DIR ?? path.resolve(repoRoot, '../shared/datasets/saf');
}

/** The data set, or undefined when its files are not there. */
export function loadSaf(dir = safDir()): SafData | undefined {
  const qFile = path.join(dir, 'questions.jsonl');
  const aFile = path.join(dir, 'answers.jsonl');
  if (!existsSync(qFile) || !existsSync(aFile)) return undefined;
  const raw = readJsonl<RawQuestion>(qFile);
  const max = new Map(raw.map((q) => [q.id, q.max_score]));
  const questions = new Map(raw.map((q) => [q.id, toBankQuestion(q)]));
  const answers = readJsonl<RawAnswer>(aFile).map((a) => ({
    id: a.id,
    questionId: a.question_id,
    answer: a.answer,
    score: a.score / (max.get(a.question_id) ?? 1),
    label: a.label,
    split: a.split,
  }));
  return { dir, questions, answers };
}

/** A SAF question as a bank question: same text, rubric derived from the reference answer. */
export function toBankQuestion(q: RawQuestion): Question {
  return {
    id: `saf-${q.id}`,
    skill: 'networks',
    level: 'intermediate',
    text: q.question,
    readingTimeSec: 60,
    rubric: rubricFromReference(q.question, q.reference_answer),
    referenceAnswer: q.reference_answer,
  };
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
