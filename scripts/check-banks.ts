/**
 * `npx tsx scripts/check-banks.ts [--allow-missing-reference] [dir...]`: validate question banks the way
 * start-up does (and stricter: >= 2 questions per skill and level, and every question carries a
 * `referenceAnswer` that graders compare answers with), and print per-role counts.
 */
import { bankStats, DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';

const args = process.argv.slice(2);
const allowMissingReference = args.includes('--allow-missing-reference');
const dirs = args.filter((a) => a !== '--allow-missing-reference');
try {
  const banks = await loadQuestionBanks(dirs.length ? dirs : [DEFAULT_BANK_DIR], { minQuestionsPerSkillLevel: 2 });
  const stats = bankStats(banks);
  for (const [role, s] of Object.entries(stats)) console.log(`${role.padEnd(12)} ${s.skills} skills, ${s.questions} questions`);
  console.log(`total: ${Object.values(stats).reduce((n, s) => n + s.questions, 0)} questions in ${banks.size} roles`);
  const missing = [...banks.values()].flatMap((b) => b.questions.filter((q) => !q.referenceAnswer?.trim()).map((q) => q.id));
  if (missing.length && !allowMissingReference) {
    console.error(`${missing.length} question(s) without a referenceAnswer: ${missing.join(', ')}`);
    process.exit(1);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
