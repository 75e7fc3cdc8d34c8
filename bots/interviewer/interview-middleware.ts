import type { OutboundMessage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import {
  answerQuestion,
  buildAssessment,
  InterviewSessionSchema,
  isAbandoned,
  markAbandoned,
  restartInterview,
  resumeInterview,
  startInterview,
  type InterviewAction,
  type InterviewConfig,
  type InterviewSession,
  type RoleBank,
} from '../../core/interview/index.js';
import type { Evaluator } from '../../core/ports/index.js';
import { interviewTexts, questionMessage } from './texts.js';

export interface InterviewMiddlewareOptions {
  banks: () => ReadonlyMap<string, RoleBank>;
  evaluator: Evaluator;
  config: InterviewConfig;
  /** Consecutive unparseable answers before a recruiter is asked to step in. */
  escalateAfterUnparseable?: number;
}

/** Spend so far on LLM evaluation for this interview (kept beside the session). */
interface Usage {
  tokens: number;
  usd: number;
}

/**
 * Runs the adaptive interview for candidates in `screening` (starts it) or `interviewing`
 * (evaluates the answer, then asks the next question or completes with an assessment).
 */
export function interviewMiddleware(opts: InterviewMiddlewareOptions): Middleware {
  return async (ctx, next) => {
    const { candidate } = ctx;
    if (candidate.stage !== 'screening' && candidate.stage !== 'interviewing') return next();
    const bank = opts.banks().get(candidate.role ?? '');
    if (!bank) {
      if (!ctx.effects.some((e) => e.type === 'send')) ctx.reply(interviewTexts.noBank(candidate.role));
      return;
    }
    const session = readSession(ctx);
    if (!session || session.status === 'completed') {
      if (session?.status === 'completed') return void ctx.reply(interviewTexts.alreadyCompleted);
      return start(ctx, bank, opts);
    }
    if (isAbandoned(session, ctx.now.getTime(), opts.config)) return onReturn(ctx, markAbandoned(session), bank, opts);
    if (session.status === 'abandoned') return onReturn(ctx, session, bank, opts);
    return answer(ctx, session, bank, opts);
  };
}

function readSession(ctx: TurnContext): InterviewSession | undefined {
  const raw = ctx.conversation.state.interview;
  if (raw === undefined) return undefined;
  const parsed = InterviewSessionSchema.safeParse(raw);
  if (!parsed.success) {
    ctx.log.error({ issues: parsed.error.issues.slice(0, 3) }, 'stored interview session is unreadable; starting a new one');
    return undefined;
  }
  return parsed.data;
}

function save(ctx: TurnContext, session: InterviewSession, extra: Record<string, unknown> = {}): void {
  ctx.conversation.state = { ...ctx.conversation.state, interview: session, ...extra };
}

async function start(ctx: TurnContext, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const [session, actions] = startInterview({ role: bank.role, skills: bank.skills }, bank, ctx.now.getTime(), opts.config);
  save(ctx, session, { interviewUsage: { tokens: 0, usd: 0 } });
  ctx.candidate.stage = 'interviewing';
  ctx.emit({ type: 'InterviewStarted', role: bank.role, actor: 'bot' });
  ctx.reply(interviewTexts.intro(bank.title, opts.config.maxQuestions));
  await perform(ctx, session, actions, bank, opts);
}

async function onReturn(ctx: TurnContext, session: InterviewSession, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const text = ctx.message.text.trim().toLowerCase();
  if (/^(1|continue|resume|yes)\b/.test(text)) {
    const [resumed, actions] = resumeInterview(session, bank, ctx.now.getTime());
    save(ctx, resumed);
    return perform(ctx, resumed, actions, bank, opts, true);
  }
  if (/^(2|start over|restart|start again|new)\b/.test(text)) {
    const [fresh, actions] = restartInterview(session, bank, ctx.now.getTime(), opts.config);
    save(ctx, fresh, { interviewUsage: { tokens: 0, usd: 0 } });
    ctx.reply(interviewTexts.intro(bank.title, opts.config.maxQuestions));
    return perform(ctx, fresh, actions, bank, opts);
  }
  if (session.status !== 'abandoned') return;
  save(ctx, session);
  if (ctx.conversation.state.interviewAbandonNoticeAt === undefined) ctx.emit({ type: 'InterviewAbandoned', questionsAsked: session.askedQuestionIds.length, actor: 'system' });
  ctx.conversation.state = { ...ctx.conversation.state, interviewAbandonNoticeAt: ctx.now.toISOString() };
  ctx.reply(interviewTexts.abandoned());
}

async function answer(ctx: TurnContext, session: InterviewSession, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const pending = session.pending;
  const question = pending && bank.questions.find((q) => q.id === pending.questionId);
  if (!pending || !question) return;
  const usage = (ctx.conversation.state.interviewUsage as Usage | undefined) ?? { tokens: 0, usd: 0 };
  const evaluation = await opts.evaluator.evaluate({
    role: bank.role,
    question,
    answer: ctx.message.text,
    responseTimeSec: Math.max(0, (ctx.now.getTime() - pending.askedAt) / 1000),
    history: [],
    ...{ spent: usage },
  });
  const spent = evaluation.usage ? { tokens: usage.tokens + evaluation.usage.promptTokens + evaluation.usage.completionTokens, usd: usage.usd + evaluation.usage.costUsd } : usage;
  const [next, actions] = answerQuestion(session, { evaluation, answerText: ctx.message.text, now: ctx.now.getTime() }, bank, opts.config);
  save(ctx, next, { interviewUsage: spent });
  escalateIfUnreadable(ctx, evaluation.unparseable, opts.escalateAfterUnparseable ?? 3);
  await perform(ctx, next, actions, bank, opts);
}

function escalateIfUnreadable(ctx: TurnContext, unparseable: boolean, limit: number): void {
  const streak = unparseable ? Number(ctx.conversation.state.unparseableStreak ?? 0) + 1 : 0;
  ctx.conversation.state = { ...ctx.conversation.state, unparseableStreak: streak };
  if (streak < limit || ctx.conversation.needsHuman) return;
  ctx.conversation.needsHuman = true;
  ctx.emit({ type: 'HumanRequested', reason: `${streak} answers in a row could not be understood`, actor: 'bot' });
  ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: 'Candidate needs a human', body: `${ctx.candidate.name ?? 'A candidate'}: ${streak} interview answers in a row could not be understood.` });
  ctx.reply(interviewTexts.needsHuman);
}

async function perform(ctx: TurnContext, session: InterviewSession, actions: InterviewAction[], bank: RoleBank, opts: InterviewMiddlewareOptions, resumed = false): Promise<void> {
  for (const action of actions) {
    if (action.type === 'ask') {
      const n = session.askedQuestionIds.length;
      const phrased = resumed ? undefined : await phrase(opts.evaluator, action.question);
      ctx.reply(resumed ? { text: interviewTexts.resumeQuestion(n, action.question.text) } : questionMessage(n, action.question, phrased));
    }
    if (action.type === 'complete') complete(ctx, session, bank);
  }
}

async function phrase(evaluator: Evaluator, question: Parameters<NonNullable<Evaluator['phraseQuestion']>>[0]): Promise<string | undefined> {
  if (!evaluator.phraseQuestion) return undefined;
  return evaluator.phraseQuestion(question, []).catch(() => undefined);
}

function complete(ctx: TurnContext, session: InterviewSession, bank: RoleBank): void {
  const assessment = buildAssessment(session, bank);
  ctx.conversation.state = { ...ctx.conversation.state, assessment };
  ctx.candidate.stage = 'assessed';
  ctx.emit({ type: 'InterviewCompleted', overallScore: assessment.overallScore, recommendation: assessment.recommendation, actor: 'bot' });
  ctx.effects.push({
    type: 'notifyOperators',
    kind: 'interview-completed',
    title: 'Interview completed',
    body: `${ctx.candidate.name ?? 'A candidate'} (${bank.title}): ${assessment.overallScore}/100, ${assessment.recommendation}.`,
  });
  ctx.reply(interviewTexts.completed(ctx.candidate.name));
}

/** What to re-ask after a handback or a return: the pending question. */
export function interviewPrompt(state: Record<string, unknown>, bank: RoleBank | undefined): OutboundMessage | undefined {
  const parsed = InterviewSessionSchema.safeParse(state.interview);
  if (!parsed.success || !bank || parsed.data.status === 'completed') return undefined;
  const pending = parsed.data.pending;
  const question = pending && bank.questions.find((q) => q.id === pending.questionId);
  return question ? { text: interviewTexts.resumeQuestion(parsed.data.askedQuestionIds.length, question.text) } : undefined;
}
