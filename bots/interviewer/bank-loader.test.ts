import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../core/domain/index.js';
import { LEVELS, type Level, type Question, type RoleBank } from '../../core/interview/index.js';
import { bankStats, DEFAULT_BANK_DIR, formatIssuePath, loadQuestionBanks } from './bank-loader.js';
import { gradeAnswer } from './rubric-evaluator.js';
import { containsPhrase, stems } from './text-analysis.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const broken = (name: string) => join(fixtures, 'banks-broken', name);
const validDir = join(fixtures, 'banks-valid');
const extraDir = join(fixtures, 'banks-extra');

/** Roles written in this folder's part A; part B (python, devops, data) lands beside them. */
const PART_A = ['react', 'javascript', 'fullstack'] as const;
const ALL_ROLES = [...PART_A, 'python', 'devops', 'data'];

const shipped = await loadQuestionBanks([DEFAULT_BANK_DIR], { minQuestionsPerSkillLevel: 2 });
const partA = PART_A.map((role) => shipped.get(role)).filter((b): b is RoleBank => b !== undefined);
const partAQuestions = partA.flatMap((b) => b.questions);

/** Rejection message of a load that must fail with a ValidationError. */
async function failure(dirs: string[], opts?: { minQuestionsPerSkillLevel?: number }): Promise<ValidationError> {
  const err = await loadQuestionBanks(dirs, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

const count = (bank: RoleBank, skill: string, level: Level) => bank.questions.filter((q) => q.skill === skill && q.level === level).length;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('shipped question banks', () => {
  it('include react, javascript and fullstack with the titles intake offers', () => {
    expect(shipped.get('react')?.title).toBe('React Developer');
    expect(shipped.get('javascript')?.title).toBe('JavaScript Developer');
    expect(shipped.get('fullstack')?.title).toBe('Full-Stack Developer');
  });

  it('give every role >= 4 skills, all 5 levels per skill and >= 2 questions per (skill, level)', () => {
    for (const bank of shipped.values()) {
      expect({ role: bank.role, skills: bank.skills.length >= 4 }).toEqual({ role: bank.role, skills: true });
      for (const skill of bank.skills) {
        for (const level of LEVELS) expect({ at: `${bank.role}/${skill.id}/${level}`, n: count(bank, skill.id, level) >= 2 }).toEqual({ at: `${bank.role}/${skill.id}/${level}`, n: true });
      }
    }
  });

  it('use question ids that are unique across every bank', () => {
    const ids = [...shipped.values()].flatMap((b) => b.questions.map((q) => q.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('hold >= 240 questions once all six roles ship, and >= 120 across react, javascript and fullstack', () => {
    const stats = bankStats(shipped);
    expect(partAQuestions.length).toBeGreaterThanOrEqual(120);
    if (ALL_ROLES.every((r) => shipped.has(r))) {
      expect(Object.values(stats).reduce((n, s) => n + s.questions, 0)).toBeGreaterThanOrEqual(240);
    }
  });
});

describe('react, javascript and fullstack rubrics', () => {
  it('name ids <role>-<skill>-<level>-<n> and keep every skill core', () => {
    for (const bank of partA) {
      expect(bank.skills.every((s) => s.core)).toBe(true);
      for (const q of bank.questions) expect(q.id).toMatch(new RegExp(`^${bank.role}-${q.skill}-${q.level}-\\d+$`));
    }
  });

  it('keep rubric sizes and reading times within the authoring rules', () => {
    const outOfRange = partAQuestions.filter((q) => {
      const r = q.rubric;
      return r.keyConcepts.length < 2 || r.keyConcepts.length > 5 || r.keyConcepts.some((k) => k.synonyms.length < 2)
        || r.strongAnswerPoints.length > 4 || r.redFlags.length > 3 || q.readingTimeSec < 10 || q.readingTimeSec > 90;
    });
    expect(outOfRange.map((q) => q.id)).toEqual([]);
  });

  it('give harder levels more reading time on average', () => {
    for (const bank of partA) {
      const byLevel = LEVELS.map((level) => mean(bank.questions.filter((q) => q.level === level).map((q) => q.readingTimeSec)));
      expect(byLevel).toEqual([...byLevel].sort((a, b) => a - b));
      expect(byLevel[4]).toBeGreaterThan(byLevel[0] ?? Infinity);
    }
  });

  it('describe strong answers that cover every key concept', () => {
    const uncovered = partAQuestions.flatMap((q) => {
      const answer = stems(q.rubric.strongAnswerPoints.join(' '));
      return q.rubric.keyConcepts.filter((k) => ![k.concept, ...k.synonyms].some((p) => containsPhrase(answer, p))).map((k) => `${q.id}: ${k.concept}`);
    });
    expect(uncovered).toEqual([]);
  });

  it('grade their own strong answer excellent with no red flag, and catch each red flag when stated', () => {
    const problems = partAQuestions.flatMap((q: Question) => {
      const strong = gradeAnswer(q, q.rubric.strongAnswerPoints.join(' '));
      const out = strong.quality === 'excellent' && strong.redFlags.length === 0 ? [] : [`${q.id}: ${strong.quality} ${strong.redFlags.join('|')}`];
      for (const flag of q.rubric.redFlags) {
        if (!gradeAnswer(q, `${flag}. ${q.rubric.strongAnswerPoints[0] ?? ''}`).redFlags.includes(flag)) out.push(`${q.id}: missed "${flag}"`);
      }
      return out;
    });
    expect(problems).toEqual([]);
  });
});

describe('loadQuestionBanks', () => {
  it('loads a directory and lets a later directory add a role (recruiter drop-in)', async () => {
    const banks = await loadQuestionBanks([validDir, extraDir]);
    expect([...banks.keys()]).toEqual(['golang', 'rust']);
    const withShipped = await loadQuestionBanks([DEFAULT_BANK_DIR, extraDir]);
    expect(withShipped.get('rust')?.title).toBe('Rust Developer');
    expect([...withShipped.keys()]).toEqual([...shipped.keys(), 'rust']);
  });

  it('reads JSON banks as well as YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bank-'));
    const kotlin = JSON.parse(readFileSync(broken('duplicate-id/kotlin.json'), 'utf8')) as RoleBank;
    kotlin.questions[0]!.id = 'kotlin-coroutines-warmup-1';
    writeFileSync(join(dir, 'kotlin.json'), JSON.stringify(kotlin));
    writeFileSync(join(dir, 'notes.txt'), 'not a bank');
    const banks = await loadQuestionBanks([dir]);
    expect([...banks.keys()]).toEqual(['kotlin']);
    expect(banks.get('kotlin')?.questions).toHaveLength(5);
  });

  it.each([
    ['a missing rubric', 'missing-rubric', 'missing-rubric/golang.yaml is invalid: questions[3].rubric: is required'],
    ['an empty keyConcepts list', 'empty-key-concepts', 'empty-key-concepts/golang.yaml is invalid: questions[3].rubric.keyConcepts: must have at least 1 item'],
    ['an unknown level', 'unknown-level', 'unknown-level/golang.yaml is invalid: questions[0].level: must be one of warmup, fundamental, intermediate, advanced, expert (got "beginner")'],
    ['a question with an unknown skill', 'unknown-skill', `unknown-skill/golang.yaml is invalid: questions[0].skill: "channels" is not one of the bank's skills (goroutines, interfaces)`],
    ['a question id used twice in one file', 'duplicate-id-same-file', 'duplicate-id-same-file/golang.yaml is invalid: questions[1].id: "golang-goroutines-warmup-1" duplicates questions[0].id'],
    ['a YAML syntax error', 'syntax-error', 'syntax-error/golang.yaml has a YAML syntax error: line 16, column 9: Nested mappings are not allowed'],
    ['a JSON syntax error', 'json-syntax', 'json-syntax/broken.json is not valid JSON: '],
  ])('names the file and field for %s', async (_label, dir, expected) => {
    const err = await failure([broken(dir)]);
    expect(err.message).toContain(`Question bank bots/interviewer/__fixtures__/banks-broken/${expected}`);
    expect(err.issues.length).toBeGreaterThan(0);
    expect(err.issues[0]).toContain(`banks-broken/${dir}/`);
  });

  it('refuses a question id reused in another file, naming both files', async () => {
    const err = await failure([broken('duplicate-id')]);
    expect(err.message).toMatch(/duplicate-id\/kotlin\.json is invalid: questions\[0\]\.id: "golang-goroutines-warmup-1" is already used in \S*duplicate-id\/golang\.yaml$/);
  });

  it('refuses a role defined in two directories, naming both files', async () => {
    const err = await failure([validDir, broken('duplicate-role')]);
    expect(err.message).toBe(
      'Question bank bots/interviewer/__fixtures__/banks-broken/duplicate-role/go-again.yaml is invalid: role: "golang" is already defined in bots/interviewer/__fixtures__/banks-valid/golang.yaml',
    );
  });

  it('reports every broken file at once, one line each', async () => {
    const err = await failure([broken('missing-rubric'), broken('unknown-level')]);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('missing-rubric/golang.yaml is invalid: questions[3].rubric');
    expect(lines[1]).toContain('unknown-level/golang.yaml is invalid: questions[0].level');
  });

  it('enforces a configurable minimum of questions per (skill, level)', async () => {
    await expect(loadQuestionBanks([validDir])).resolves.toHaveProperty('size', 1);
    const err = await failure([validDir], { minQuestionsPerSkillLevel: 2 });
    expect(err.message).toContain('banks-valid/golang.yaml is invalid: skills[0]: skill "goroutines" needs at least 2 questions at every level (warmup has 1,');
    expect(err.message).toContain('skills[1]: skill "interfaces" needs at least 2 questions');
  });

  it('shows files outside the working directory by absolute path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bank-'));
    writeFileSync(join(dir, 'golang.yml'), readFileSync(broken('unknown-level/golang.yaml'), 'utf8'));
    const err = await failure([dir]);
    expect(err.message).toContain(`Question bank ${join(dir, 'golang.yml')} is invalid: questions[0].level`);
  });

  it('says which directory cannot be read', async () => {
    const err = await failure(['/nonexistent/parley-banks']);
    expect(err.message).toMatch(/^Question bank directory \/nonexistent\/parley-banks cannot be read: .*ENOENT/);
  });
});

describe('bankStats', () => {
  it('counts skills, questions and questions per level and per skill', async () => {
    const stats = bankStats(await loadQuestionBanks([validDir]));
    const one = { warmup: 1, fundamental: 1, intermediate: 1, advanced: 1, expert: 1 };
    expect(stats).toEqual({
      golang: {
        role: 'golang',
        title: 'Go Developer',
        skills: 2,
        coreSkills: 2,
        questions: 10,
        perLevel: { warmup: 2, fundamental: 2, intermediate: 2, advanced: 2, expert: 2 },
        perSkill: { goroutines: one, interfaces: one },
        minPerSkillLevel: 1,
      },
    });
  });

  it('reports the shipped part-A banks at >= 2 per (skill, level)', () => {
    const stats = bankStats(shipped);
    for (const role of PART_A) expect(stats[role]?.minPerSkillLevel).toBeGreaterThanOrEqual(2);
  });
});

describe('formatIssuePath', () => {
  it.each([
    [['questions', 3, 'rubric', 'keyConcepts'], 'questions[3].rubric.keyConcepts'],
    [['skills', 0, 'id'], 'skills[0].id'],
    [['title'], 'title'],
    [[], '(top level)'],
  ])('%j -> %s', (segments, expected) => expect(formatIssuePath(segments)).toBe(expected));
});
