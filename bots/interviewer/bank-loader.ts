/**
 * Loads interview question banks from data files (YAML or JSON), validates them against
 * `RoleBankSchema` plus the cross-checks the schema cannot express (skills referenced by
 * questions exist, ids are unique across files, every skill covers every level), and
 * reports every problem with the file and the field path so a recruiter can fix it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ValidationError, errorMessage } from '../../core/domain/errors.js';
import { LEVELS, RoleBankSchema, type Level, type RoleBank } from '../../core/interview/types.js';
import { registerBank } from './grading/profile.js';

/** Absolute path of the shipped banks (`bots/interviewer/banks`). */
export const DEFAULT_BANK_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'banks');

const BANK_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Options for {@link loadQuestionBanks}. */
export interface LoadQuestionBanksOptions {
  /** Minimum questions each skill needs at each of the 5 levels (default 1). */
  minQuestionsPerSkillLevel?: number;
}

/** Per-role counts, for tests and start-up logs. */
export interface RoleBankStats {
  role: string;
  title: string;
  skills: number;
  coreSkills: number;
  questions: number;
  perLevel: Record<Level, number>;
  /** Question count per skill id and level. */
  perSkill: Record<string, Record<Level, number>>;
  /** The smallest (skill, level) question count: the bank's weakest spot. */
  minPerSkillLevel: number;
}

/** Where a role or question id was first seen, to name both files in a duplicate error. */
interface Seen {
  roles: Map<string, string>;
  questionIds: Map<string, string>;
}

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file in `dirs` (in order; files sorted by name)
 * and returns the banks keyed by role. Later directories may add roles, not redefine them.
 *
 * @throws ValidationError listing every problem found, one line per file, each naming the
 *   file and field path (`questions[3].rubric.keyConcepts: must have at least 1 item`).
 *
 * @example
 * const banks = await loadQuestionBanks([DEFAULT_BANK_DIR, process.env.EXTRA_BANKS_DIR]);
 * banks.get('react')?.questions.length;
 */
export async function loadQuestionBanks(
  dirs: readonly string[],
  options: LoadQuestionBanksOptions = {},
): Promise<Map<string, RoleBank>> {
  const minPerCell = options.minQuestionsPerSkillLevel ?? 1;
  const banks = new Map<string, RoleBank>();
  const seen: Seen = { roles: new Map(), questionIds: new Map() };
  const failures: { file: string; headline: string; issues: string[] }[] = [];

  for (const absolute of await listBankFiles(dirs)) {
    const file = displayPath(absolute);
    const parsed = parseBankText(await readFile(absolute, 'utf8'), path.extname(absolute));
    if (!parsed.ok) {
      failures.push({ file, headline: parsed.headline, issues: [parsed.detail] });
      continue;
    }
    const result = RoleBankSchema.safeParse(parsed.value, { reportInput: true });
    const issues = result.success
      ? [...checkBank(result.data, minPerCell), ...checkAgainstSeen(result.data, file, seen)]
      : result.error.issues.map(formatZodIssue);
    if (issues.length > 0) failures.push({ file, headline: 'is invalid', issues });
    else if (result.success) banks.set(result.data.role, result.data);
  }
  if (failures.length > 0) {
    const lines = failures.map((f) => `Question bank ${f.file} ${f.headline}: ${f.issues.join('; ')}`);
    const issues = failures.flatMap((f) => f.issues.map((i) => `${f.file}: ${i}`));
    throw new ValidationError(lines.join('\n'), issues);
  }
  // The offline grader weighs words by how rare they are in their own bank.
  for (const bank of banks.values()) registerBank(bank.questions);
  return banks;
}

/**
 * Counts skills, questions and questions per level (overall and per skill) for each role.
 *
 * @example
 * logger.info({ banks: bankStats(banks) }, 'question banks loaded');
 */
export function bankStats(banks: ReadonlyMap<string, RoleBank>): Record<string, RoleBankStats> {
  const stats: Record<string, RoleBankStats> = {};
  for (const bank of banks.values()) {
    const perLevel = zeroPerLevel();
    const perSkill: Record<string, Record<Level, number>> = {};
    for (const skill of bank.skills) perSkill[skill.id] = zeroPerLevel();
    for (const q of bank.questions) {
      perLevel[q.level] += 1;
      const cell = perSkill[q.skill];
      if (cell) cell[q.level] += 1;
    }
    const cells = Object.values(perSkill).flatMap((byLevel) => Object.values(byLevel));
    stats[bank.role] = {
      role: bank.role,
      title: bank.title,
      skills: bank.skills.length,
      coreSkills: bank.skills.filter((s) => s.core).length,
      questions: bank.questions.length,
      perLevel,
      perSkill,
      minPerSkillLevel: cells.length > 0 ? Math.min(...cells) : 0,
    };
  }
  return stats;
}

function zeroPerLevel(): Record<Level, number> {
  return Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
}

async function listBankFiles(dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    const absoluteDir = path.resolve(dir);
    let entries;
    try {
      entries = await readdir(absoluteDir, { withFileTypes: true });
    } catch (err) {
      throw new ValidationError(`Question bank directory ${displayPath(absoluteDir)} cannot be read: ${errorMessage(err)}`, [], { cause: err });
    }
    const names = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && BANK_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    files.push(...names.map((name) => path.join(absoluteDir, name)));
  }
  return files;
}

/** Repo-relative paths read better in errors; fall back to absolute outside the working dir. */
function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}

type ParsedText = { ok: true; value: unknown } | { ok: false; headline: string; detail: string };

function parseBankText(text: string, extension: string): ParsedText {
  if (extension.toLowerCase() === '.json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (err) {
      return { ok: false, headline: 'is not valid JSON', detail: errorMessage(err) };
    }
  }
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const where = first.linePos ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'unknown line';
    // prettyErrors appends " at line L, column C:" and a code excerpt; keep only the reason.
    const reason = (first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, headline: 'has a YAML syntax error', detail: `${where}: ${reason}` };
  }
  return { ok: true, value: doc.toJS() as unknown };
}

/** `['questions', 3, 'rubric']` -> `questions[3].rubric`. */
export function formatIssuePath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(top level)' : out;
}

function formatZodIssue(issue: z.core.$ZodIssue): string {
  return `${formatIssuePath(issue.path)}: ${describeZodIssue(issue)}`;
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'is required' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected} (got ${preview(input)})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}${input === undefined ? '' : ` (got ${preview(input)})`}`;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'array') return `must have at least ${n} item${n === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at least ${n} character${n === 1 ? '' : 's'} long`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${n}`;
    }
    default:
      return issue.message;
  }
}

/** A short rendering of an offending value for an error message. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Checks within one schema-valid bank: skill ids, question skills, ids, level coverage. */
function checkBank(bank: RoleBank, minPerCell: number): string[] {
  const issues: string[] = [];
  const skillIndex = new Map<string, number>();
  bank.skills.forEach((skill, i) => {
    const first = skillIndex.get(skill.id);
    if (first !== undefined) issues.push(`skills[${i}].id: "${skill.id}" duplicates skills[${first}].id`);
    else skillIndex.set(skill.id, i);
  });
  const idIndex = new Map<string, number>();
  bank.questions.forEach((q, i) => {
    if (!skillIndex.has(q.skill)) {
      issues.push(`questions[${i}].skill: "${q.skill}" is not one of the bank's skills (${[...skillIndex.keys()].join(', ')})`);
    }
    const first = idIndex.get(q.id);
    if (first !== undefined) issues.push(`questions[${i}].id: "${q.id}" duplicates questions[${first}].id`);
    else idIndex.set(q.id, i);
  });
  return [...issues, ...checkLevelCoverage(bank, skillIndex, minPerCell)];
}

function checkLevelCoverage(bank: RoleBank, skillIndex: ReadonlyMap<string, number>, minPerCell: number): string[] {
  const perSkill = bankStats(new Map([[bank.role, bank]]))[bank.role]?.perSkill ?? {};
  const issues: string[] = [];
  for (const [skill, i] of skillIndex) {
    const short = LEVELS.filter((level) => (perSkill[skill]?.[level] ?? 0) < minPerCell);
    if (short.length === 0) continue;
    const counts = short.map((level) => `${level} has ${perSkill[skill]?.[level] ?? 0}`).join(', ');
    issues.push(`skills[${i}]: skill "${skill}" needs at least ${minPerCell} question${minPerCell === 1 ? '' : 's'} at every level (${counts})`);
  }
  return issues;
}

/** Cross-file checks; records this bank's role and ids when it introduces no duplicates. */
function checkAgainstSeen(bank: RoleBank, file: string, seen: Seen): string[] {
  const issues: string[] = [];
  const roleFile = seen.roles.get(bank.role);
  if (roleFile !== undefined) issues.push(`role: "${bank.role}" is already defined in ${roleFile}`);
  bank.questions.forEach((q, i) => {
    const idFile = seen.questionIds.get(q.id);
    if (idFile !== undefined) issues.push(`questions[${i}].id: "${q.id}" is already used in ${idFile}`);
  });
  if (roleFile === undefined) seen.roles.set(bank.role, file);
  for (const q of bank.questions) if (!seen.questionIds.has(q.id)) seen.questionIds.set(q.id, file);
  return issues;
}
