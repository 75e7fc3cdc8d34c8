import type { RoleBank } from '../../core/interview/index.js';
import { CV_LEXICON, type LexiconTerm } from './lexicon.js';

/** What a CV's text says, read without a network or a model. */
export interface CvReading {
  skills: string[];
  years?: number;
}

export interface SkillCoverage {
  /** The role's bank skills the CV shows (skill names, in bank order). */
  shows: string[];
  /** The role's bank skills the CV does not mention. */
  lacks: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Whole words, case-insensitive; "node" must not match "nodes" and "C" is never a term. */
const wordPattern = (spelling: string) => new RegExp(`(?<![\\p{L}\\d])${escape(spelling)}(?![\\p{L}\\d])`, 'iu');
const spellings = (t: LexiconTerm) => [t.name.toLowerCase(), ...(t.aliases ?? [])];

/**
 * Skills (lexicon names, in order of first mention) and years of experience in a CV's text.
 * `now` bounds "2019 - present" (pure: the clock is an argument).
 *
 * @example
 * readCv('Backend engineer, 6 years of Python and Django', new Date()) // { skills: ['Python', 'Django'], years: 6 }
 */
export function readCv(text: string, now: Date): CvReading {
  const found = CV_LEXICON.flatMap((t) => {
    const at = Math.min(...spellings(t).map((s) => text.search(wordPattern(s))).filter((i) => i >= 0));
    return Number.isFinite(at) ? [{ name: t.name, at }] : [];
  });
  const skills = found.sort((a, b) => a.at - b.at).map((f) => f.name);
  const years = yearsOfExperience(text, now);
  return years === undefined ? { skills } : { skills, years };
}

const YEARS_STATED = /(\d{1,2})(?:\.\d)?\s*\+?\s*(?:years?|yrs?)\b/gi;
const DATE_RANGE = /\b((?:19|20)\d{2})\s*(?:-|–|—|to|until)\s*((?:19|20)\d{2}|present|now|current|today)\b/gi;

/**
 * The larger of a stated "N years" and the span from the earliest job start to the latest end
 * in its date ranges ("2017 - 2020", "2020 - present"). Undefined when the CV says neither.
 */
export function yearsOfExperience(text: string, now: Date): number | undefined {
  const stated = [...text.matchAll(YEARS_STATED)].map((m) => Number(m[1])).filter((n) => n > 0 && n <= 50);
  const ranges = [...text.matchAll(DATE_RANGE)].map((m) => {
    const end = /^\d+$/.test(m[2]!) ? Number(m[2]) : now.getUTCFullYear();
    return { start: Number(m[1]), end };
  }).filter((r) => r.end >= r.start && r.end <= now.getUTCFullYear());
  const span = ranges.length ? Math.max(...ranges.map((r) => r.end)) - Math.min(...ranges.map((r) => r.start)) : 0;
  const years = Math.max(0, ...stated, span);
  return years > 0 ? years : undefined;
}

/** Which of a role's bank skills a CV shows: through the lexicon, or the skill's own name in the text. */
export function coverage(bank: RoleBank, reading: CvReading, text: string): SkillCoverage {
  const evidence = new Set(CV_LEXICON.filter((t) => reading.skills.includes(t.name)).flatMap((t) => t.skills[bank.role] ?? []));
  const shows: string[] = [];
  const lacks: string[] = [];
  for (const skill of bank.skills) (evidence.has(skill.id) || wordPattern(skill.name).test(text) ? shows : lacks).push(skill.name);
  return { shows, lacks };
}

/**
 * The role a CV's skills point to: the one with the most of its bank skills evidenced by the CV's
 * terms, when it stands out (a tie suggests nothing). Undefined when no role is covered at all.
 */
export function suggestRole(banks: Iterable<RoleBank>, reading: CvReading): RoleBank | undefined {
  const terms = CV_LEXICON.filter((t) => reading.skills.includes(t.name));
  const scored = [...banks]
    .map((bank) => ({ bank, score: new Set(terms.flatMap((t) => t.skills[bank.role] ?? [])).size }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  if (!scored.length || (scored[1] && scored[1].score === scored[0]!.score)) return undefined;
  return scored[0]!.bank;
}
