import { LEVELS, type Level, type Question, type RoleBank } from './types.js';
import type { InterviewSession } from './session.js';

const levelIndex = (l: Level) => LEVELS.indexOf(l);

/**
 * A question of this skill and level not yet asked. When none is left: another skill at the
 * same level (skills without a boundary first), then the same skill at the nearest level, then
 * anything unasked. Never an asked question; deterministic (bank order).
 */
export function pickQuestion(bank: RoleBank, skill: string, level: Level, askedIds: readonly string[], bounded: readonly string[] = []): Question | undefined {
  const asked = new Set(askedIds);
  const free = bank.questions.filter((q) => !asked.has(q.id));
  const exact = free.find((q) => q.skill === skill && q.level === level);
  if (exact) return exact;
  const sameLevel = free.filter((q) => q.level === level);
  const otherSkill = sameLevel.find((q) => !bounded.includes(q.skill)) ?? sameLevel[0];
  if (otherSkill) return otherSkill;
  const nearest = free
    .filter((q) => q.skill === skill)
    .sort((a, b) => Math.abs(levelIndex(a.level) - levelIndex(level)) - Math.abs(levelIndex(b.level) - levelIndex(level)))[0];
  return nearest ?? free[0];
}

/**
 * The skill to probe next: one not yet explored (without a boundary first), else the least
 * explored skill without a boundary, rotating past the current skill. Deterministic.
 */
export function nextSkill(session: Pick<InterviewSession, 'skills' | 'explored' | 'boundaries' | 'currentSkill'>, opts: { keepCurrent?: boolean } = {}): string {
  const { skills, explored, boundaries, currentSkill } = session;
  if (opts.keepCurrent && !boundaries[currentSkill]) return currentSkill;
  const start = skills.indexOf(currentSkill) + 1;
  const rotated = [...skills.slice(start), ...skills.slice(0, start)];
  const score = (s: string) => (boundaries[s] ? 100 : 0) + (explored[s]?.length ?? 0) * 10 + (s === currentSkill ? 5 : 0);
  return [...rotated].sort((a, b) => score(a) - score(b))[0] ?? currentSkill;
}
