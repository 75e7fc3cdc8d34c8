import type { Question } from '../../core/interview/index.js';
import { rubricFromReference } from '../../bots/interviewer/grading/reference-rubric.js';

/** A bank question made from its text and reference answer alone, as the grading benchmark makes SAF's. */
export const referenceQuestion = (id: string, text: string, referenceAnswer: string): Question => ({
  id,
  skill: 'networks',
  level: 'intermediate',
  text,
  readingTimeSec: 30,
  referenceAnswer,
  rubric: rubricFromReference(text, referenceAnswer),
});
