/**
 * The LLM evaluator through the same benchmark, when OPENAI_API_KEY is set (any
 * OpenAI-compatible endpoint via OPENAI_BASE_URL, model OPENAI_MODEL). Test splits only;
 * BENCH_LLM_ANSWERS caps the answers per split (default all). Answers the evaluator could not
 * grade fall back to the rubric, as in production, and are counted.
 */
import { LlmEvaluator } from '../../bots/interviewer/llm-evaluator.js';
import type { Evaluator } from '../../core/ports/index.js';
import type { GradingSystem } from '../grading.bench.js';

export function llmSystem(fallback: Evaluator): GradingSystem | undefined {
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey) return undefined;
  const evaluator = new LlmEvaluator({
    apiKey,
    ...(process.env.OPENAI_BASE_URL ? { baseURL: process.env.OPENAI_BASE_URL } : {}),
    model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
    fallback,
  });
  const cap = Number(process.env.BENCH_LLM_ANSWERS ?? Infinity);
  let fallbacks = 0;
  return {
    name: 'llm',
    splits: ['test_unseen_answers', 'test_unseen_questions'],
    score: async (question, answer) => {
      const e = await evaluator.evaluate({ role: 'saf', question, answer });
      if (e.evaluator !== evaluator.name) fallbacks++;
      if (fallbacks && fallbacks % 50 === 1) console.log(`grading: llm fell back to the rubric ${fallbacks} times so far`);
      return e.technicalAccuracy;
    },
    ...(Number.isFinite(cap) ? { limit: cap } : {}),
  };
}
