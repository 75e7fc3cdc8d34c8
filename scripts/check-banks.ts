/**
 * `npx tsx scripts/check-banks.ts [dir...]`: validate question banks the way start-up does
 * (and stricter: >= 2 questions per skill and level), and print per-role counts.
 */
import { bankStats, DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';

const dirs = process.argv.slice(2);
try {
  const banks = await loadQuestionBanks(dirs.length ? dirs : [DEFAULT_BANK_DIR], { minQuestionsPerSkillLevel: 2 });
  const stats = bankStats(banks);
  for (const [role, s] of Object.entries(stats)) console.log(`${role.padEnd(12)} ${s.skills} skills, ${s.questions} questions`);
  console.log(`total: ${Object.values(stats).reduce((n, s) => n + s.questions, 0)} questions in ${banks.size} roles`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
