import type { Choice, Conversation, OutboundMessage, Stage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import {
  abandonNoticeSlice,
  answerQuestion,
  assessmentSlice,
  buildAssessment,
  interviewSlice,
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
import { unparseableStreakSlice, usageSlice } from './state.js';
import { languageOf } from '../i18n/index.js';
import { offlineLanguageNote } from './language-note.js';
import { interviewTextsFor, questionMessage, resumeMessage, type InterviewTexts } from './texts.js';

export interface InterviewMiddlewareOptions {
  banks: () => ReadonlyMap<string, RoleBank>;
  evaluator: Evaluator;
  config: InterviewConfig;
  /** Consecutive unparseable answers before a recruiter is asked to step in. */
  escalateAfterUnparseable?: number;
  /**
   * Messages arriving within this many ms of each other are one answer, graded once the
   * candidate has been quiet this long (0: every message is graded at once).
   */
  answerQuietMs?: number;
  /** How long the paused interview waits for a recruiter before offering to continue (ms). */
  humanWaitMs?: number;
  /** Buttons the bot offered earlier in this conversation (a tap on one of them is not an answer). */
  offeredChoices?: (conversationId: string) => Promise<readonly Choice[]>;
  /** Told when something in a conversation comes due: a quiet period ends, a recruiter wait runs out. */
  timers?: { arm(conversationId: string, dueAt: number): void };
}

const NO_USAGE = { tokens: 0, usd: 0 };

const AFTER_INTERVIEW = new Set<Stage>(['assessed', 'scheduled', 'hired', 'rejected']);
// English, then es, pt, fr, de (the buttons' labels are among them).
const CONTINUE = /^(1|continue|resume|yes|go on|continuar|seguir|s[ií]|sim|continuer|reprendre|oui|weitermachen|weiter|fortfahren|ja)(?![\p{L}\d])/u;
const START_OVER = /^(2|start over|restart|start again|new|empezar de nuevo|reiniciar|recome[cç]ar|recommencer|neu beginnen|von vorne)(?![\p{L}\d])/u;
const WAIT = /^(2|wait|esperar|attendre|warten|auf das recruiting warten)(?![\p{L}\d])/u;

/**
 * Runs the adaptive interview for candidates in `screening` (starts it) or `interviewing`
 * (collects the answer, grades it once the candidate is quiet, then asks the next question or
 * completes with an assessment), and answers free text after the interview.
 */
export function interviewMiddleware(opts: InterviewMiddlewareOptions): Middleware {
  return async (ctx, next) => {
    const { candidate } = ctx;
    if (AFTER_INTERVIEW.has(candidate.stage)) return afterInterview(ctx, next);
    if (candidate.stage !== 'screening' && candidate.stage !== 'interviewing') return next();
    const bank = opts.banks().get(candidate.role ?? '');
    if (!bank) {
      if (!ctx.effects.some((e) => e.type === 'send')) ctx.reply(tx(ctx).noBank(candidate.role));
      return;
    }
    const session = readSession(ctx);
    if (!session || session.status === 'completed') {
      if (session?.status === 'completed') return void ctx.reply(tx(ctx).alreadyCompleted);
      return start(ctx, bank, opts);
    }
    if (session.hold) return onHold(ctx, session, bank, opts);
    if (isAbandoned(session, ctx.now.getTime(), opts.config)) return onReturn(ctx, markAbandoned(session), bank, opts);
    if (session.status === 'abandoned') return onReturn(ctx, session, bank, opts);
    return receiveAnswer(ctx, session, bank, opts);
  };
}

/** The interview is over: free text still gets an answer (what happens next, how to reach a person). */
async function afterInterview(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
  await next();
  if (!ctx.effects.some((e) => e.type === 'send')) ctx.reply(tx(ctx).afterInterview(ctx.candidate.stage));
}

/** The stored session; an unreadable one is reported once (the slice) and a new interview starts. */
function readSession(ctx: TurnContext): InterviewSession | undefined {
  return interviewSlice.read(ctx.conversation);
}

/** Store the session (and the evaluation spend, when it changed). */
function save(ctx: TurnContext, session: InterviewSession, usage?: { tokens: number; usd: number }): void {
  const state = interviewSlice.write(ctx.conversation.state, session);
  ctx.conversation.state = usage ? usageSlice.write(state, usage) : state;
}

async function start(ctx: TurnContext, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const [session, actions] = startInterview({ role: bank.role, skills: bank.skills }, bank, ctx.now.getTime(), opts.config);
  save(ctx, session, NO_USAGE);
  ctx.candidate.stage = 'interviewing';
  ctx.emit({ type: 'InterviewStarted', role: bank.role, actor: 'bot' });
  ctx.reply(tx(ctx).intro(bank.title, opts.config.maxQuestions));
  await perform(ctx, session, actions, bank, opts);
}

async function onReturn(ctx: TurnContext, session: InterviewSession, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const text = ctx.message.text.trim().toLowerCase();
  if (CONTINUE.test(text)) {
    const [resumed, actions] = resumeInterview(session, bank, ctx.now.getTime());
    save(ctx, resumed);
    return perform(ctx, resumed, actions, bank, opts, true);
  }
  if (START_OVER.test(text)) {
    const [fresh, actions] = restartInterview(session, bank, ctx.now.getTime(), opts.config);
    save(ctx, fresh, NO_USAGE);
    ctx.reply(tx(ctx).intro(bank.title, opts.config.maxQuestions));
    return perform(ctx, fresh, actions, bank, opts);
  }
  if (session.status !== 'abandoned') return;
  save(ctx, session);
  if (abandonNoticeSlice.read(ctx.conversation) === undefined) ctx.emit({ type: 'InterviewAbandoned', questionsAsked: session.askedQuestionIds.length, actor: 'system' });
  ctx.conversation.state = abandonNoticeSlice.write(ctx.conversation.state, ctx.now.toISOString());
  ctx.reply(tx(ctx).abandoned());
}

/**
 * The interview waits for a recruiter. Once one has been and handed back (the conversation no
 * longer needs a human) the wait is over and this message is an answer again; "continue" goes
 * on without waiting; anything else is told the interview is paused.
 */
async function onHold(ctx: TurnContext, session: InterviewSession, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const { hold: _hold, ...released } = session;
  void _hold;
  if (!ctx.conversation.needsHuman) return receiveAnswer(ctx, released, bank, opts);
  const text = ctx.message.text.trim().toLowerCase();
  if (CONTINUE.test(text)) {
    const [resumed, actions] = resumeInterview(session, bank, ctx.now.getTime());
    save(ctx, resumed);
    return perform(ctx, resumed, actions, bank, opts, true);
  }
  if (session.hold?.expiredNoticeAt !== undefined && WAIT.test(text)) return void ctx.reply(tx(ctx).holdKeepWaiting);
  ctx.reply(session.hold?.expiredNoticeAt !== undefined ? tx(ctx).holdExpired() : tx(ctx).holdWaiting);
}

async function receiveAnswer(ctx: TurnContext, session: InterviewSession, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const pending = session.pending;
  const question = pending && bank.questions.find((q) => q.id === pending.questionId);
  if (!pending || !question) return;
  if (await isStaleChoice(ctx, opts)) {
    // An old button (a role chip, a consent button) tapped now: refused, never graded.
    save(ctx, session);
    return void ctx.reply(resumeMessage(session.askedQuestionIds.length, question, languageOf(ctx.conversation), true));
  }
  const quietMs = opts.answerQuietMs ?? 0;
  if (quietMs <= 0) return grade(ctx, session, { text: ctx.message.text, parts: 1, at: ctx.now.getTime() }, bank, opts);
  // Collect: the answer is graded once the candidate has been quiet for `quietMs`; meanwhile they
  // see "typing…" on channels that can. The draft is stored, so a restart keeps it.
  const at = ctx.now.getTime();
  const draft = { parts: [...(session.draft?.parts ?? []), { text: ctx.message.text, at }], dueAt: at + quietMs };
  save(ctx, { ...session, draft });
  ctx.effects.push({ type: 'typing' });
  opts.timers?.arm(ctx.conversation.id, draft.dueAt);
}

/** Replies a candidate may well type as an answer, even though a button once said the same. */
const PLAIN_REPLY = /^(\d+|yes|no|ok|okay|sure|continue|wait)$/;

/** True when the message is the label of a button offered earlier, and the current prompt has none. */
async function isStaleChoice(ctx: TurnContext, opts: InterviewMiddlewareOptions): Promise<boolean> {
  const text = normalise(ctx.message.text);
  if (!opts.offeredChoices || text === '' || text.length > 200 || PLAIN_REPLY.test(text)) return false;
  const offered = await opts.offeredChoices(ctx.conversation.id);
  return offered.some((c) => normalise(c.label) === text || normalise(c.id) === text);
}

const normalise = (t: string) => t.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Grade the collected answer of a conversation whose quiet period has ended (called by the
 * interview timers outside a turn). Returns false when there is nothing due.
 */
export async function settleDraft(ctx: TurnContext, opts: InterviewMiddlewareOptions): Promise<boolean> {
  const session = readSession(ctx);
  const bank = session && opts.banks().get(session.role);
  const draft = session?.draft;
  if (!session || !bank || !draft || session.status !== 'in-progress' || draft.dueAt > ctx.now.getTime()) return false;
  const { draft: _draft, ...rest } = session;
  void _draft;
  const last = draft.parts.at(-1) as { at: number };
  await grade(ctx, rest, { text: draft.parts.map((p) => p.text).join('\n'), parts: draft.parts.length, at: last.at }, bank, opts);
  return true;
}

/** Nobody joined the paused interview in time: tell the candidate and offer to go on. */
export function expireHold(ctx: TurnContext): boolean {
  const session = readSession(ctx);
  const hold = session?.hold;
  if (!session || !hold || hold.expiredNoticeAt !== undefined || hold.until > ctx.now.getTime()) return false;
  if (!ctx.conversation.needsHuman || ctx.conversation.mode !== 'bot') return false;
  save(ctx, { ...session, hold: { ...hold, expiredNoticeAt: ctx.now.getTime() } });
  ctx.reply(tx(ctx).holdExpired());
  return true;
}

async function grade(ctx: TurnContext, session: InterviewSession, answer: { text: string; parts: number; at: number }, bank: RoleBank, opts: InterviewMiddlewareOptions): Promise<void> {
  const pending = session.pending;
  const question = pending && bank.questions.find((q) => q.id === pending.questionId);
  if (!pending || !question) return;
  const usage = usageSlice.read(ctx.conversation) ?? NO_USAGE;
  const evaluation = await opts.evaluator.evaluate({
    role: bank.role,
    question,
    answer: answer.text,
    responseTimeSec: Math.max(0, (answer.at - pending.askedAt) / 1000),
    history: [],
    ...{ spent: usage },
  });
  const spent = evaluation.usage ? { tokens: usage.tokens + evaluation.usage.promptTokens + evaluation.usage.completionTokens, usd: usage.usd + evaluation.usage.costUsd } : usage;
  let [next, actions] = answerQuestion(session, { evaluation, answerText: answer.text, now: answer.at, parts: answer.parts }, bank, opts.config);
  if (escalateIfUnreadable(ctx, evaluation.unparseable, opts.escalateAfterUnparseable ?? 3) && next.status === 'in-progress') {
    // "A recruiter will join shortly" is not followed by the next question: the interview waits.
    const now = ctx.now.getTime();
    next = { ...next, hold: { reason: 'answers could not be understood', at: now, until: now + (opts.humanWaitMs ?? 10 * 60_000) } };
    actions = actions.filter((a) => a.type !== 'ask');
    opts.timers?.arm(ctx.conversation.id, next.hold!.until);
  }
  save(ctx, next, spent);
  await perform(ctx, next, actions, bank, opts);
}

/** Counts unreadable answers in a row; at the limit asks a recruiter in. True when it did now. */
function escalateIfUnreadable(ctx: TurnContext, unparseable: boolean, limit: number): boolean {
  const streak = unparseable ? (unparseableStreakSlice.read(ctx.conversation) ?? 0) + 1 : 0;
  ctx.conversation.state = unparseableStreakSlice.write(ctx.conversation.state, streak);
  if (streak < limit || ctx.conversation.needsHuman) return false;
  ctx.conversation.needsHuman = true;
  ctx.emit({ type: 'HumanRequested', reason: `${streak} answers in a row could not be understood`, actor: 'bot' });
  ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: 'Candidate needs a human', body: `${ctx.candidate.name ?? 'A candidate'}: ${streak} interview answers in a row could not be understood.` });
  ctx.reply(tx(ctx).needsHuman);
  return true;
}

async function perform(ctx: TurnContext, session: InterviewSession, actions: InterviewAction[], bank: RoleBank, opts: InterviewMiddlewareOptions, resumed = false): Promise<void> {
  for (const action of actions) {
    if (action.type === 'ask') {
      const n = session.askedQuestionIds.length;
      const phrased = resumed ? undefined : await phrase(opts.evaluator, action.question);
      const lang = languageOf(ctx.conversation);
      ctx.reply(resumed ? resumeMessage(n, action.question, lang) : questionMessage(n, action.question, phrased, lang));
    }
    if (action.type === 'complete') complete(ctx, session, bank, opts.evaluator.name);
  }
}

async function phrase(evaluator: Evaluator, question: Parameters<NonNullable<Evaluator['phraseQuestion']>>[0]): Promise<string | undefined> {
  if (!evaluator.phraseQuestion) return undefined;
  return evaluator.phraseQuestion(question, []).catch(() => undefined);
}

function complete(ctx: TurnContext, session: InterviewSession, bank: RoleBank, evaluator: string): void {
  const built = buildAssessment(session, bank);
  // The offline grader reads English only: the assessment says so when answers were in another language.
  const note = evaluator === 'rubric' ? offlineLanguageNote(session.answers) : undefined;
  const assessment = note ? { ...built, recommendationReasons: [...built.recommendationReasons, note] } : built;
  ctx.conversation.state = assessmentSlice.write(ctx.conversation.state, assessment);
  ctx.candidate.stage = 'assessed';
  ctx.emit({ type: 'InterviewCompleted', overallScore: assessment.overallScore, recommendation: assessment.recommendation, actor: 'bot' });
  ctx.effects.push({
    type: 'notifyOperators',
    kind: 'interview-completed',
    title: 'Interview completed',
    body: `${ctx.candidate.name ?? 'A candidate'} (${bank.title}): ${assessment.overallScore}/100, ${assessment.recommendation}.`,
  });
  ctx.reply(tx(ctx).completed(ctx.candidate.name));
}

/**
 * What to re-ask after a handback or a return: the pending question; while the interview still
 * waits for a recruiter (`needsHuman`), that it is paused (a nudge must not ask the next question).
 */
export function interviewPrompt(conversation: Pick<Conversation, 'id' | 'state'>, bank: RoleBank | undefined, needsHuman = false): OutboundMessage | undefined {
  const session = interviewSlice.read(conversation);
  if (!session || !bank || session.status === 'completed') return undefined;
  const lang = languageOf(conversation);
  if (session.hold && needsHuman) return { text: interviewTextsFor(lang).holdWaiting };
  const pending = session.pending;
  const question = pending && bank.questions.find((q) => q.id === pending.questionId);
  return question ? resumeMessage(session.askedQuestionIds.length, question, lang) : undefined;
}

/** The interview texts in the candidate's language. */
function tx(ctx: Pick<TurnContext, 'conversation'>): InterviewTexts {
  return interviewTextsFor(languageOf(ctx.conversation));
}
