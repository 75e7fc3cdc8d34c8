/**
 * The shipped banks graded on their scripted candidates (test/__fixtures__/interview): how many
 * strong and weak answers get each quality, how many weak ones fall under the interview's
 * weak-answer accuracy, and how many of either kind state one of the question's red flags.
 */
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../../bots/interviewer/bank-loader.js';
import { gradeAnswer } from '../../bots/interviewer/rubric-evaluator.js';
import { WEAK_ACCURACY } from '../../core/interview/machine.js';
import { QUALITIES } from '../../core/interview/types.js';
import { SCRIPTED_ROLES, scriptedAnswers } from '../../test/__fixtures__/interview/candidates.js';
import type { BenchResult } from '../support.js';

export async function scriptedCandidates(): Promise<BenchResult[]> {
  const banks = await loadQuestionBanks([DEFAULT_BANK_DIR]);
  const tally = { strong: new Map<string, number>(), weak: new Map<string, number>() };
  const flagged = { strong: 0, weak: 0 };
  let weakBelow = 0;
  for (const bank of banks.values()) {
    for (const q of bank.questions) {
      const role = SCRIPTED_ROLES.find((r) => q.id.startsWith(`${r}-`));
      const answers = role ? scriptedAnswers(role)[q.id] : undefined;
      if (!answers) continue;
      for (const kind of ['strong', 'weak'] as const) {
        const e = gradeAnswer(q, answers[kind]);
        tally[kind].set(e.quality, (tally[kind].get(e.quality) ?? 0) + 1);
        if (e.redFlags.length) flagged[kind]++;
        if (kind === 'weak' && e.technicalAccuracy < WEAK_ACCURACY) weakBelow++;
      }
    }
  }
  return (['strong', 'weak'] as const).map((kind) => ({
    name: `grading scripted ${kind}`,
    metrics: {
      ...Object.fromEntries(QUALITIES.map((quality) => [quality, tally[kind].get(quality) ?? 0])),
      'red-flagged': flagged[kind],
      ...(kind === 'weak' ? { [`accuracy < ${WEAK_ACCURACY}`]: weakBelow } : {}),
    },
  }));
}
