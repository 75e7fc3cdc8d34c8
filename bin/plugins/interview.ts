import { intakePrompt, intakeSlice } from '../../bots/intake/index.js';
import { languageOf } from '../../bots/i18n/index.js';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../../bots/interviewer/bank-loader.js';
import { interviewMiddleware, interviewPrompt, type InterviewMiddlewareOptions } from '../../bots/interviewer/interview-middleware.js';
import { InterviewTimers } from '../../bots/interviewer/interview-timers.js';
import { RubricEvaluator } from '../../bots/interviewer/rubric-evaluator.js';
import { DEFAULT_INTERVIEW_CONFIG, interviewSlice, type InterviewConfig, type RoleBank } from '../../core/interview/index.js';
import type { Choice } from '../../core/domain/index.js';
import type { Evaluator } from '../../core/ports/index.js';
import type { Config } from '../config.js';
import type { PluginModule } from './types.js';

/**
 * The adaptive interview: question banks (validated at start-up: a bad file stops Parley naming
 * the file and field), the evaluator (LLM when OPENAI_API_KEY is set, falling back to the
 * offline rubric evaluator), the interview middleware, the roles intake offers, what to re-ask
 * after a handback, and the interview timers (a split answer graded once the candidate is quiet,
 * a recruiter wait running out), re-armed from the stored sessions on start.
 */
export const interviewPlugin: PluginModule = {
  name: 'interview',
  async create(ctx) {
    const banks = await loadQuestionBanks([DEFAULT_BANK_DIR, ...(ctx.config.INTERVIEW_BANK_DIRS ?? [])]);
    const evaluator = await chooseEvaluator(ctx.config, ctx.log);
    const config: InterviewConfig = {
      ...DEFAULT_INTERVIEW_CONFIG,
      minQuestions: ctx.config.INTERVIEW_MIN_QUESTIONS,
      maxQuestions: ctx.config.INTERVIEW_MAX_QUESTIONS,
      timeLimitMin: ctx.config.INTERVIEW_TIME_LIMIT_MIN,
      abandonAfterMin: ctx.config.INTERVIEW_ABANDON_AFTER_MIN,
    };
    // Buttons offered earlier in the conversation: tapping one mid-interview is not an answer.
    const offeredChoices = async (conversationId: string): Promise<Choice[]> =>
      (await ctx.store.listMessages(conversationId, { limit: 200 })).filter((m) => m.direction === 'out').flatMap((m) => m.choices ?? []);
    const timers: InterviewTimers = new InterviewTimers({
      store: ctx.store,
      engine: ctx.engine,
      clock: ctx.clock,
      log: ctx.log.child({ feature: 'interview' }),
      interview: () => options,
      notifyOperators: () => ctx.services.notifyOperators,
    });
    const options: InterviewMiddlewareOptions = {
      banks: () => banks,
      evaluator,
      config,
      answerQuietMs: ctx.config.INTERVIEW_ANSWER_QUIET_MS,
      humanWaitMs: ctx.config.INTERVIEW_HUMAN_WAIT_MIN * 60_000,
      offeredChoices,
      timers,
    };
    const roles = [...banks.values()].map((b) => ({ id: b.role, title: b.title })).sort((a, b) => a.title.localeCompare(b.title));
    ctx.services.questionBanks = () => banks;
    if (roles.length) ctx.services.roles = () => roles;
    else ctx.log.warn('no question banks found: intake offers the default roles and no interview runs');
    ctx.services.pendingPrompt = (conversation) => {
      const session = interviewSlice.read(conversation);
      const bank = (session && banks.get(session.role)) ?? findBankFor(session?.pending?.questionId, banks);
      return interviewPrompt(conversation, bank, conversation.needsHuman) ?? intakePrompt(intakeSlice.read(conversation), roles, languageOf(conversation));
    };
    ctx.log.info({ roles: roles.map((r) => r.id), questions: [...banks.values()].reduce((n, b) => n + b.questions.length, 0), evaluator: evaluator.name }, 'interview ready');
    const questions = [...banks.values()].reduce((n, b) => n + b.questions.length, 0);
    return {
      name: 'interview',
      summary: `on (${roles.length} roles, ${questions} questions, ${evaluator.name} evaluator${ctx.config.OPENAI_API_KEY ? '' : '; set OPENAI_API_KEY for the LLM evaluator'})`,
      middleware: { conversation: [interviewMiddleware(options)] },
      start: () => timers.start(),
      stop: () => timers.stop(),
      health: () => ({ interview: { roles: roles.length, evaluator: evaluator.name, answersCollecting: timers.armed() } }),
    };
  },
};

function findBankFor(pending: string | undefined, banks: ReadonlyMap<string, RoleBank>): RoleBank | undefined {
  return pending ? [...banks.values()].find((b) => b.questions.some((q) => q.id === pending)) : undefined;
}

async function chooseEvaluator(config: Config, log: { warn(obj: object, msg?: string): void }): Promise<Evaluator> {
  const rubric = new RubricEvaluator();
  if (!config.OPENAI_API_KEY) return rubric;
  // LangChain and the OpenAI SDK take ~0.5 s to load: only when an API key asks for them.
  const { LlmEvaluator } = await import('../../bots/interviewer/llm-evaluator.js');
  return new LlmEvaluator({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    fallback: rubric,
    budget: { ...(config.LLM_BUDGET_TOKENS ? { maxTokens: config.LLM_BUDGET_TOKENS } : {}), ...(config.LLM_BUDGET_USD ? { maxUsd: config.LLM_BUDGET_USD } : {}) },
    logger: log,
  });
}
