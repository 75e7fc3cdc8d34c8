/**
 * Grades answers with an OpenAI-compatible chat model (LangChain `ChatOpenAI`, structured
 * output), and degrades to a fallback evaluator (the offline rubric one) whenever the model
 * can't be used: circuit open, budget spent, provider down, output unusable. An interview
 * never waits on a broken provider for more than one evaluation's retries.
 */
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { ErrorCodes, ParleyError, ProviderError, errorMessage } from '../../core/domain/errors.js';
import { AnswerEvaluationSchema, type AnswerEvaluation, type Question } from '../../core/interview/types.js';
import type { EvaluationRequest, Evaluator, TokenUsage } from '../../core/ports/evaluator.js';
import { backoffDelay } from '../../core/engine/backoff.js';
import { nextRetryDelay, parseRetryAfter } from '../../core/engine/retry.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { addUsage, usageFromMessage, type MessageUsageLike } from './pricing.js';
import {
  GRADE_SCHEMA_NAME,
  LlmGradeSchema,
  buildEvaluationMessages,
  buildPhraseMessages,
  type ConversationTurn,
  type LlmGrade,
  type PromptMessage,
} from './prompts.js';

/** Tokens and dollars an interview has already spent on the LLM. */
export interface Spent {
  tokens: number;
  usd: number;
}

/** An evaluation request that also carries the interview's LLM spend so far (for the budget). */
export interface LlmEvaluationRequest extends EvaluationRequest {
  spent?: Spent;
}

/** What `evaluate` returns: the evaluation, who produced it, and the LLM tokens it cost. */
export type LlmEvaluationResult = AnswerEvaluation & { usage?: TokenUsage; evaluator: string };

/** The slice of a logger this module needs; pino and the core `Logger` port satisfy it. */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface LlmEvaluatorOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1`. */
  baseURL?: string;
  model?: string;
  /** Per HTTP attempt. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429 / 5xx / timeouts / connection errors. */
  maxRetries?: number;
  /** Used whenever the model can't give a usable answer. */
  fallback: Evaluator;
  /** Shared across evaluators of one provider; one is created when omitted. */
  breaker?: CircuitBreaker;
  /** Per-interview limits, checked against `request.spent` before each call. */
  budget?: { maxTokens?: number; maxUsd?: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); drives backoff jitter. */
  random?: () => number;
  /** Exponential backoff: `baseMs * 2^retry`, capped at `maxMs`, with jitter over its upper half. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A `retry-after` longer than this is not waited for: the answer falls back instead. */
  maxRetryDelayMs?: number;
  logger?: WarnLogger;
  /** Called with the usage of every model call that returned (grading and phrasing). */
  onUsage?: (usage: TokenUsage, operation: 'evaluate' | 'phrase') => void;
}

/** The model answered, but not with something we can use (not JSON, wrong shape, refused, cut off). */
export class LlmOutputError extends ParleyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.PROVIDER, `openai: ${message}`, options);
  }
}

type Attempt<T> = { ok: true; value: T; usage: TokenUsage } | { ok: false; error: Error; usage: TokenUsage };
type SkipReason = 'circuit-open' | 'budget-exhausted';

const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
const MALFORMED_RETRIES = 1;
const MAX_PHRASE_CHARS = 1000;
/** openai / zod / JSON errors that mean "the response body was unusable". */
const OUTPUT_ERROR_NAMES = new Set(['SyntaxError', 'ZodError', '$ZodError', 'LengthFinishReasonError', 'ContentFilterFinishReasonError']);

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reasoning models (o-series, gpt-5) accept only the default temperature. */
function acceptsTemperature(model: string): boolean {
  return !/^o\d/.test(model) && !(model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat'));
}

/**
 * The delay before retry number `retry` (0-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so concurrent interviews don't retry in lockstep.
 *
 * @example
 * backoffDelayMs(2, () => 0.5); // 500 * 4 = 2000 -> 1000 + 0.5 * 1000 = 1500
 */
export function backoffDelayMs(retry: number, random: () => number, baseMs = 500, maxMs = 8000): number {
  // The one formula (core/engine/backoff.ts): retry n is attempt n + 1.
  return backoffDelay(retry + 1, { maxAttempts: Infinity, baseMs, maxMs }, random());
}

/**
 * How long the server asked us to wait: `retry-after-ms`, else `retry-after` in seconds or as
 * an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: unknown, now: number): number | undefined {
  return parseRetryAfter(headers, now);
}

/** Turns whatever a LangChain/OpenAI call threw into LlmOutputError or ProviderError. */
export function classifyLlmError(err: unknown, now: number): LlmOutputError | ProviderError {
  if (err instanceof LlmOutputError || err instanceof ProviderError) return err;
  const e = (err ?? {}) as { name?: unknown; status?: unknown; headers?: unknown; constructor?: { name?: string } };
  const name = typeof e.name === 'string' ? e.name : '';
  if (OUTPUT_ERROR_NAMES.has(name) || OUTPUT_ERROR_NAMES.has(e.constructor?.name ?? '')) {
    return new LlmOutputError(`unusable model output: ${errorMessage(err)}`, { cause: err });
  }
  if (typeof e.status === 'number') {
    return new ProviderError('openai', errorMessage(err), { status: e.status, retryAfterMs: retryAfterMs(e.headers, now), cause: err });
  }
  // LangChain rethrows the SDK's timeout as a plain Error named TimeoutError.
  const transient = name === 'TimeoutError' || e.constructor?.name === 'APIConnectionError';
  return new ProviderError('openai', errorMessage(err), { permanent: !transient, cause: err });
}

/**
 * An {@link Evaluator} backed by an OpenAI-compatible chat model.
 *
 * @example
 * const llm = new LlmEvaluator({ apiKey, baseURL: 'https://api.openai.com/v1', fallback: rubricEvaluator });
 * const result = await llm.evaluate({ role: 'backend', question, answer, history, spent });
 * // result.evaluator === 'llm' (or the fallback's name), result.usage.costUsd
 */
export class LlmEvaluator implements Evaluator {
  readonly name = 'llm';
  readonly model: string;
  readonly breaker: CircuitBreaker;
  private readonly opts: LlmEvaluatorOptions;
  private readonly chat: ChatOpenAI;
  private readonly grader: ReturnType<typeof makeGrader>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: LlmEvaluatorOptions) {
    this.opts = opts;
    this.model = opts.model ?? 'gpt-4o-mini';
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.breaker = opts.breaker ?? new CircuitBreaker({ now: this.now });
    this.chat = new ChatOpenAI({
      apiKey: opts.apiKey,
      model: this.model,
      timeout: opts.timeoutMs ?? 20_000,
      // Our own loop retries, so every attempt is visible (and counted by the breaker and tests).
      maxRetries: 0,
      ...(acceptsTemperature(this.model) ? { temperature: 0 } : {}),
      configuration: opts.baseURL === undefined ? {} : { baseURL: opts.baseURL },
    });
    this.grader = makeGrader(this.chat);
  }

  /** Grades one answer; never throws for provider trouble (the fallback answers instead). */
  async evaluate(req: LlmEvaluationRequest): Promise<LlmEvaluationResult> {
    const skip = this.skipReason(req.spent);
    if (skip) return this.fallBack(req, skip, NO_USAGE);
    const outcome = await this.withRetries(() => this.gradeOnce(req));
    if (outcome.ok) {
      this.breaker.recordSuccess();
      const evaluation = AnswerEvaluationSchema.parse({ ...outcome.value, skills: [req.question.skill] });
      return { ...evaluation, usage: outcome.usage, evaluator: this.name };
    }
    this.breaker.recordFailure();
    this.opts.logger?.warn(
      { err: outcome.error, questionId: req.question.id, breaker: this.breaker.state, failures: this.breaker.failures },
      'LLM evaluation failed; using fallback evaluator',
    );
    return this.fallBack(req, 'llm-failed', outcome.usage);
  }

  /**
   * Phrases a bank question for this conversation (one short paragraph, same content). Any
   * failure, an open circuit or a spent budget returns `question.text` unchanged. One attempt
   * only: a plain bank question beats a late one.
   */
  async phraseQuestion(question: Question, history: EvaluationRequest['history'], spent?: Spent): Promise<string> {
    if (this.skipReason(spent)) return question.text;
    const attempt = await this.phraseOnce(question, history ?? []);
    if (attempt.ok) {
      this.breaker.recordSuccess();
      return attempt.value;
    }
    // The provider answered but the text was unusable: that is not an outage.
    if (attempt.error instanceof LlmOutputError) this.breaker.recordSuccess();
    else this.breaker.recordFailure();
    this.opts.logger?.warn({ err: attempt.error, questionId: question.id }, 'LLM question phrasing failed; using bank text');
    return question.text;
  }

  /** Why the model must not be called now, if anything. Acquires the breaker otherwise. */
  private skipReason(spent: Spent | undefined): SkipReason | undefined {
    const budget = this.opts.budget;
    if (budget && spent) {
      if (budget.maxTokens !== undefined && spent.tokens >= budget.maxTokens) return 'budget-exhausted';
      if (budget.maxUsd !== undefined && spent.usd >= budget.maxUsd) return 'budget-exhausted';
    }
    return this.breaker.tryAcquire() ? undefined : 'circuit-open';
  }

  private async fallBack(req: LlmEvaluationRequest, reason: SkipReason | 'llm-failed', llmUsage: TokenUsage): Promise<LlmEvaluationResult> {
    const result = await this.opts.fallback.evaluate(req);
    // Tokens burnt on failed attempts are still spent: keep them on the result for the budget.
    const usage = result.usage ? addUsage(llmUsage, result.usage) : llmUsage;
    const spentAny = usage.promptTokens + usage.completionTokens > 0 || usage.costUsd > 0;
    if (reason !== 'llm-failed') this.opts.logger?.warn({ reason, questionId: req.question.id }, 'LLM evaluator skipped; using fallback evaluator');
    return { ...result, evaluator: result.evaluator ?? this.opts.fallback.name, ...(spentAny ? { usage } : {}) };
  }

  /** Runs `attempt` until it succeeds or retrying stops making sense; sums the usage of every attempt. */
  private async withRetries<T>(attempt: () => Promise<Attempt<T>>): Promise<Attempt<T>> {
    let usage = NO_USAGE;
    let transientRetries = 0;
    let malformedRetries = 0;
    for (;;) {
      const result = await attempt();
      usage = addUsage(usage, result.usage);
      if (result.ok) return { ...result, usage };
      const err = result.error;
      if (err instanceof LlmOutputError) {
        if (malformedRetries >= MALFORMED_RETRIES) return { ...result, usage };
        malformedRetries += 1;
        continue;
      }
      const delay = this.retryDelay(err, transientRetries);
      if (delay === undefined) return { ...result, usage };
      transientRetries += 1;
      await this.sleep(delay);
    }
  }

  /** Milliseconds to wait before retrying `err`, or undefined to give up. */
  private retryDelay(err: Error, retriesSoFar: number): number | undefined {
    if (!(err instanceof ProviderError)) return undefined;
    // The one retry rule; a retry-after is waited exactly (not raised to the backoff) when allowed.
    const delay = nextRetryDelay(err, retriesSoFar + 1, {
      policy: { maxAttempts: (this.opts.maxRetries ?? 3) + 1, baseMs: this.opts.backoff?.baseMs ?? 500, maxMs: this.opts.backoff?.maxMs ?? 8000 },
      maxRetryAfterMs: this.opts.maxRetryDelayMs ?? 10_000,
      random: this.random,
    });
    return delay === undefined || err.retryAfterMs === undefined ? delay : err.retryAfterMs;
  }

  private async gradeOnce(req: LlmEvaluationRequest): Promise<Attempt<LlmGrade>> {
    const messages = toLangChain(buildEvaluationMessages(req));
    return this.call('evaluate', async () => {
      const out = await this.grader.invoke(messages);
      return { raw: out.raw as MessageUsageLike, parsed: LlmGradeSchema.safeParse(out.parsed) };
    }, (r) => (r.parsed.success ? r.parsed.data : new LlmOutputError(`response does not match ${GRADE_SCHEMA_NAME}: ${r.parsed.error.message}`)));
  }

  private async phraseOnce(question: Question, history: readonly ConversationTurn[]): Promise<Attempt<string>> {
    const messages = toLangChain(buildPhraseMessages(question, history));
    return this.call('phrase', async () => {
      const message = await this.chat.invoke(messages);
      return { raw: message as MessageUsageLike, text: message.text };
    }, (r) => cleanPhrase(r.text) ?? new LlmOutputError('phrased question empty or too long'));
  }

  /**
   * One model call: runs `send`, reads usage from the raw message, and lets `accept` turn the
   * response into a value or an output error. Thrown errors become classified failures.
   */
  private async call<R extends { raw: MessageUsageLike }, T>(
    operation: 'evaluate' | 'phrase',
    send: () => Promise<R>,
    accept: (response: R) => T | LlmOutputError,
  ): Promise<Attempt<T>> {
    let response: R;
    try {
      response = await send();
    } catch (err) {
      return { ok: false, error: classifyLlmError(err, this.now()), usage: NO_USAGE };
    }
    const usage = usageFromMessage(response.raw, this.model);
    this.opts.onUsage?.(usage, operation);
    const value = accept(response);
    return value instanceof LlmOutputError ? { ok: false, error: value, usage } : { ok: true, value, usage };
  }
}

function toLangChain(messages: readonly PromptMessage[]): BaseMessage[] {
  return messages.map((m) => (m.role === 'system' ? new SystemMessage(m.content) : new HumanMessage(m.content)));
}

function makeGrader(chat: ChatOpenAI) {
  // gpt-4o-mini and later: `response_format: json_schema` (strict); the zod schema also validates.
  return chat.withStructuredOutput(LlmGradeSchema, { name: GRADE_SCHEMA_NAME, includeRaw: true });
}

/** The model's phrasing, trimmed and unquoted, or undefined when unusable. */
function cleanPhrase(text: string): string | undefined {
  const trimmed = text.trim().replace(/^["“](.*)["”]$/s, '$1').trim();
  return trimmed.length > 0 && trimmed.length <= MAX_PHRASE_CHARS ? trimmed : undefined;
}

