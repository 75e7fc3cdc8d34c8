import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import { ValidationError } from '../../core/domain/index.js';
import { LEVELS, RoleBankSchema, type RoleBank } from '../../core/interview/index.js';

/** The question banks shipped with Parley. */
export const DEFAULT_BANK_DIR = fileURLToPath(new URL('./banks/', import.meta.url));

export interface LoadOptions {
  /** Every (skill, level) must have at least this many questions. */
  minQuestionsPerSkillLevel?: number;
}

/**
 * Load and validate every `*.yaml` / `*.yml` / `*.json` bank in the directories, in order
 * (later directories add roles: a recruiter drops a file in one named in config). Any problem
 * throws a ValidationError naming the file and the field, and stops start-up.
 *
 * @example
 * const banks = await loadQuestionBanks([DEFAULT_BANK_DIR, '/etc/parley/roles']);
 * banks.get('react')?.questions.length
 */
export async function loadQuestionBanks(dirs: readonly string[], opts: LoadOptions = {}): Promise<Map<string, RoleBank>> {
  const banks = new Map<string, RoleBank>();
  const from = new Map<string, string>();
  const questionIds = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of await bankFiles(dir)) {
      const bank = await loadFile(file, opts);
      const shown = display(file);
      const earlier = from.get(bank.role);
      if (earlier) throw invalid(shown, 'role', `role "${bank.role}" is already defined in ${earlier}`);
      for (const q of bank.questions) {
        const other = questionIds.get(q.id);
        if (other) throw invalid(shown, `questions[${bank.questions.indexOf(q)}].id`, `"${q.id}" is already used in ${other}`);
        questionIds.set(q.id, shown);
      }
      banks.set(bank.role, bank);
      from.set(bank.role, shown);
    }
  }
  return banks;
}

async function bankFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new ValidationError(`Question bank directory ${dir} cannot be read`, [String(cause)], { cause });
  }
  return names.filter((n) => /\.(ya?ml|json)$/i.test(n)).sort().map((n) => join(dir, n));
}

async function loadFile(file: string, opts: LoadOptions): Promise<RoleBank> {
  const shown = display(file);
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw invalid(shown, 'syntax', `${file.endsWith('.json') ? 'JSON' : 'YAML'} syntax error${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = RoleBankSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(shown, issue?.path.join('.').replace(/\.(\d+)/g, '[$1]') || '(root)', issue?.message ?? 'invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  checkCoverage(parsed.data, shown, opts.minQuestionsPerSkillLevel ?? 1);
  return parsed.data;
}

function checkCoverage(bank: RoleBank, shown: string, min: number): void {
  const skills = new Set(bank.skills.map((s) => s.id));
  bank.questions.forEach((q, i) => {
    if (!skills.has(q.skill)) throw invalid(shown, `questions[${i}].skill`, `"${q.skill}" is not one of the role's skills (${[...skills].join(', ')})`);
  });
  for (const skill of skills) {
    for (const level of LEVELS) {
      const n = bank.questions.filter((q) => q.skill === skill && q.level === level).length;
      if (n < min) throw invalid(shown, 'questions', `skill "${skill}" has ${n} ${level} question(s), needs at least ${min}`);
    }
  }
}

function invalid(file: string, field: string, message: string, issues: string[] = []): ValidationError {
  return new ValidationError(`Question bank ${file} is invalid: ${field}: ${message}`, issues.length ? issues : [`${field}: ${message}`]);
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Per-role counts, for start-up logs and tests. */
export function bankStats(banks: ReadonlyMap<string, RoleBank>): Record<string, { skills: number; questions: number; perLevel: Record<string, number> }> {
  return Object.fromEntries(
    [...banks.values()].map((b) => [b.role, { skills: b.skills.length, questions: b.questions.length, perLevel: Object.fromEntries(LEVELS.map((l) => [l, b.questions.filter((q) => q.level === l).length])) }]),
  );
}
