import type { TokenUsage } from '../../core/ports/evaluator.js';

/** USD per 1 million tokens (OpenAI standard tier list prices). */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * List prices per model family. Dated snapshots (`gpt-4o-mini-2024-07-18`) resolve to their
 * family. Cached input is billed here at the full input price: the budget errs on the side
 * of spending less, never more.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'gpt-3.5-turbo': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
};

/**
 * The price of `model`: an exact entry, else the longest family name it extends with `-`
 * (so `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`, not `gpt-4o`). Unknown -> undefined.
 *
 * @example
 * priceFor('gpt-4o-2024-08-06'); // { inputPerMTok: 2.5, outputPerMTok: 10 }
 */
export function priceFor(model: string, prices: Readonly<Record<string, ModelPrice>> = MODEL_PRICES): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const family of Object.keys(prices)) {
    if (model.startsWith(`${family}-`) && (best === undefined || family.length > best.length)) best = family;
  }
  return best === undefined ? undefined : prices[best];
}

/**
 * Cost in USD of one call. Unknown models (local or third-party OpenAI-compatible servers)
 * cost 0; their tokens are still counted by the caller.
 *
 * @example
 * costUsd('gpt-4o-mini', 1000, 200); // 0.00027
 */
export function costUsd(model: string, promptTokens: number, completionTokens: number): number {
  const price = priceFor(model);
  if (!price) return 0;
  // Multiply before dividing so round numbers stay exact in floating point.
  return (promptTokens * price.inputPerMTok + completionTokens * price.outputPerMTok) / 1_000_000;
}

/** Token counts as LangChain reports them on an AIMessage (`usage_metadata`) or in `response_metadata`. */
export interface MessageUsageLike {
  usage_metadata?: { input_tokens?: number; output_tokens?: number };
  response_metadata?: Record<string, unknown>;
}

/**
 * Reads the token usage of one model response and prices it. Prefers `usage_metadata`, then
 * `response_metadata.tokenUsage`; the model named in the response (a dated snapshot) wins
 * over the configured one. No usage block -> zero tokens.
 */
export function usageFromMessage(message: MessageUsageLike, configuredModel: string): TokenUsage {
  const meta = message.response_metadata ?? {};
  const tokenUsage = meta.tokenUsage as { promptTokens?: number; completionTokens?: number } | undefined;
  const promptTokens = message.usage_metadata?.input_tokens ?? tokenUsage?.promptTokens ?? 0;
  const completionTokens = message.usage_metadata?.output_tokens ?? tokenUsage?.completionTokens ?? 0;
  const model = typeof meta.model_name === 'string' && meta.model_name ? meta.model_name : configuredModel;
  const cost = costUsd(model, promptTokens, completionTokens) || costUsd(configuredModel, promptTokens, completionTokens);
  return { promptTokens, completionTokens, costUsd: cost };
}

/** Sums usages (several attempts of one evaluation). */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}
