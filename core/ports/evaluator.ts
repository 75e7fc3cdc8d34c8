import type { AnswerEvaluation, Question } from '../interview/types.js';

export interface EvaluationRequest {
  role: string;
  question: Question;
  answer: string;
  /** Seconds from question sent to answer received. */
  responseTimeSec?: number;
  /** Recent conversation, oldest first (LLM evaluators use it; the rubric one ignores it). */
  history?: { author: 'candidate' | 'bot'; text: string }[];
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Scores answers. Rubric (offline, default) or LLM. */
export interface Evaluator {
  readonly name: string;
  evaluate(req: EvaluationRequest): Promise<AnswerEvaluation & { usage?: TokenUsage; evaluator?: string }>;
  /** Optionally phrase the next bank question naturally for this conversation. */
  phraseQuestion?(question: Question, history: EvaluationRequest['history']): Promise<string>;
}
