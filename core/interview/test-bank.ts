import { LEVELS, type RoleBank } from './types.js';

/**
 * A small synthetic bank for tests of the pure machine: 4 skills x 5 levels x 2 questions.
 * Question ids read `<skill>-<level>-<n>`.
 */
export function syntheticBank(skills = ['alpha', 'beta', 'gamma', 'delta']): RoleBank {
  return {
    role: 'test',
    title: 'Test Engineer',
    description: '',
    skills: skills.map((id) => ({ id, name: id, core: true })),
    questions: skills.flatMap((skill) =>
      LEVELS.flatMap((level) =>
        [1, 2].map((n) => ({
          id: `${skill}-${level}-${n}`,
          skill,
          level,
          text: `Explain ${skill} at the ${level} level, question ${n}.`,
          readingTimeSec: 20,
          rubric: { keyConcepts: [{ concept: skill, synonyms: [], weight: 1 }], strongAnswerPoints: [`Knows ${skill}`], redFlags: [] },
        })),
      ),
    ),
  };
}
