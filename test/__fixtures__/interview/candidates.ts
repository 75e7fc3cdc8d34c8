/**
 * Scripted interview candidates for end-to-end tests: for every question of every shipped bank, a
 * strong answer (correct and detailed, in a candidate's own words) and a weak one (vague, wrong or
 * "not sure"). See README.md in this folder for how they were written.
 *
 *   const answer = await scriptedCandidate('strong');
 *   const reply = answer(botMessageText); // the answer to the bank question quoted in the message
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../../../bots/interviewer/bank-loader.js';

export type CandidateKind = 'strong' | 'weak';
export interface ScriptedAnswers {
  strong: string;
  weak: string;
}

/** The roles with a scripted candidate (one JSON file each, keyed by question id). */
export const SCRIPTED_ROLES = ['python', 'javascript', 'react', 'devops', 'data', 'fullstack'] as const;

const cache = new Map<string, Record<string, ScriptedAnswers>>();

/** Every scripted answer of one role, keyed by question id. */
export function scriptedAnswers(role: string): Record<string, ScriptedAnswers> {
  let answers = cache.get(role);
  if (!answers) {
    answers = JSON.parse(readFileSync(new URL(`./${role}.json`, import.meta.url), 'utf8')) as Record<string, ScriptedAnswers>;
    cache.set(role, answers);
  }
  return answers;
}

/** The scripted answer to one question (ids start with their role: `react-hooks-advanced-1`). */
export function scriptedAnswer(questionId: string, kind: CandidateKind): string {
  const role = SCRIPTED_ROLES.find((r) => questionId.startsWith(`${r}-`));
  const answers = role ? scriptedAnswers(role)[questionId] : undefined;
  if (!answers) throw new Error(`no scripted answer for question ${questionId}`);
  return answers[kind];
}

/** Lowercased, markup-free, single-spaced: how a question's text is looked for in a bot message. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[*_`~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Which answer to give to a question: one kind throughout, or chosen per question (per skill, per level). */
export type CandidatePolicy = CandidateKind | ((question: { id: string; skill: string; level: string }) => CandidateKind);

/**
 * A candidate that answers whatever bank question a bot message quotes (the shipped banks'
 * question texts are looked for inside the message), or `undefined` when the message quotes none.
 * The longest matching question text wins, so a question quoted inside a longer one cannot be
 * mistaken for it. `policy` may pick per question, e.g. strong in one skill and weak in another:
 * `scriptedCandidate((q) => (q.skill === 'testing' ? 'weak' : 'strong'))`.
 */
export async function scriptedCandidate(policy: CandidatePolicy, bankDirs: string[] = [DEFAULT_BANK_DIR]): Promise<(botMessage: string) => string | undefined> {
  const banks = await loadQuestionBanks(bankDirs);
  const questions = [...banks.values()]
    .flatMap((b) => b.questions)
    .map((q) => ({ id: q.id, skill: q.skill, level: q.level, text: normalise(q.text) }))
    .sort((a, b) => b.text.length - a.text.length);
  return (botMessage: string) => {
    const message = normalise(botMessage);
    const question = questions.find((q) => message.includes(q.text));
    if (!question) return undefined;
    return scriptedAnswer(question.id, typeof policy === 'function' ? policy(question) : policy);
  };
}
