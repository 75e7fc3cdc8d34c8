import type { Conversation, OutboundMessage, Stage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import { optIn, optOut, recordFeedback, recordReschedule, requestErasure, requestHuman } from './actions.js';
import { detectIntent, type CandidateIntent } from './intents.js';
import { languageCommand } from './language.js';
import { parseCommand } from './parse.js';
import { formatWhen, readCommandsState, readSchedule, writeCommandsState, type Pending } from './state.js';
import { languageOf } from '../i18n/index.js';
import { commandTextsFor, type CommandTexts } from './texts.js';

export { HELP_TEXT, NEXT_STEP } from './texts.js';

/** The candidate's status in plain words, with the interview time when one is scheduled. */
export function statusText(ctx: Pick<TurnContext, 'candidate'> & Partial<Pick<TurnContext, 'conversation'>>): string {
  const { stage, role, name } = ctx.candidate;
  const lines = [tx(ctx).status(name, role, stage)];
  const schedule = ctx.conversation && readSchedule(ctx.conversation);
  if (schedule) lines.push(tx(ctx).interviewAt(formatWhen(schedule.at, schedule.timeZone ?? ctx.candidate.timeZone), schedule.link));
  return lines.join('\n');
}

/**
 * A command handler. Returning `false` passes the turn on (e.g. `/start` during intake lets the
 * intake dialog answer).
 */
export type CommandHandler = (ctx: TurnContext, args: { args: string[]; rest: string }) => Promise<boolean | void> | boolean | void;

// English, then the words of es, pt, fr and de (the choice labels start with them too).
const YES = /^(y|yes|yeah|yep|yup|sure|ok|okay|confirm|please do|do it|1|s[ií]|claro|vale|sim|oui|ja)(?![\p{L}\d])/iu;
const NO = /^(n|no|nope|nah|cancel|keep|don'?t|do not|2|n[aã]o|non|nein)(?![\p{L}\d])/iu;

/** Stage before `/interview` moved it, to undo when no interview handler took the turn. */
const stageBeforeInterview = new WeakMap<TurnContext, Stage>();

/** What a command does when it passed the turn on and nothing further down answered. */
const AFTER_PASS: Record<string, (ctx: TurnContext) => void> = {
  interview: (ctx) => {
    ctx.candidate.stage = stageBeforeInterview.get(ctx) ?? ctx.candidate.stage;
    ctx.reply(tx(ctx).interviewNotOpen);
  },
};

/**
 * `/interview`: start or resume the technical interview. In `screening` the candidate moves to
 * `interviewing` and the turn goes on to the interview handler, which starts a session; mid-way
 * the pending question is asked again (from `pendingPrompt`, which the interview feature
 * provides), so the command itself is never graded as an answer.
 */
export function interviewCommand(pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined): CommandHandler {
  return (ctx) => {
    const stage = ctx.candidate.stage;
    const prompt = pendingPrompt()?.(ctx.conversation);
    if (stage === 'new' || stage === 'intake') {
      ctx.reply(tx(ctx).finishIntakeFirst);
      if (prompt) ctx.reply(prompt);
      return;
    }
    if (stage !== 'screening' && stage !== 'interviewing') return void ctx.reply(tx(ctx).interviewDone(stage));
    if (stage === 'interviewing' && prompt) {
      ctx.reply(tx(ctx).interviewResume);
      ctx.reply(prompt);
      return;
    }
    stageBeforeInterview.set(ctx, stage);
    ctx.candidate.stage = 'interviewing';
    return false;
  };
}

const BUILT_IN: Record<string, CommandHandler> = {
  help: (ctx) => ctx.reply(tx(ctx).help),
  status: (ctx) => ctx.reply(statusText(ctx)),
  start: (ctx) => {
    optIn(ctx);
    if (ctx.candidate.stage === 'new' || ctx.candidate.stage === 'intake') return false;
    ctx.reply(`${tx(ctx).welcomeBack} ${statusText(ctx)}`);
  },
  interview: interviewCommand(() => undefined),
  language: languageCommand(() => undefined),
  reschedule: (ctx, { rest }) => {
    if (ctx.candidate.stage !== 'scheduled' && !readSchedule(ctx.conversation)) return void ctx.reply(tx(ctx).nothingToReschedule);
    if (rest) return recordReschedule(ctx, rest);
    ask(ctx, 'reschedule', tx(ctx).askReschedule);
  },
  feedback: (ctx, { rest }) => (rest ? recordFeedback(ctx, rest) : ask(ctx, 'feedback', tx(ctx).askFeedback)),
  human: (ctx) => requestHuman(ctx, 'The candidate typed /human'),
  stop: (ctx) => optOut(ctx),
  delete: (ctx) => ask(ctx, 'delete', tx(ctx).deleteConfirm),
};

/**
 * Candidate commands for every channel: `/start`, `/help`, `/status`, `/interview`,
 * `/reschedule`, `/feedback`, `/human`, `/language`, `/stop`, `/delete`, plus plain-language requests
 * ("talk to a person", "not interested"). `extra` handlers from plugins override built-ins.
 * Unknown commands get a pointer to /help; a file or photo is kept for the recruiters.
 *
 * @example
 * const chain = [takeoverGate, candidateCommands(), intake];
 */
export function candidateCommands(extra: Record<string, CommandHandler> = {}): Middleware {
  const handlers: Record<string, CommandHandler> = { ...BUILT_IN, ...extra };
  return async (ctx, next) => {
    const cmd = parseCommand(ctx.message.text);
    if (!cmd) return onText(ctx, next);
    ctx.message = { ...ctx.message, kind: 'command' };
    clearPending(ctx);
    const handler = handlers[cmd.name];
    if (!handler) return void ctx.reply(tx(ctx).unknown(cmd.name));
    if ((await handler(ctx, { args: cmd.args, rest: cmd.rest })) !== false) return;
    await next();
    if (!ctx.effects.some((e) => e.type === 'send')) AFTER_PASS[cmd.name]?.(ctx);
  };
}

async function onText(ctx: TurnContext, next: () => Promise<void>): Promise<void> {
  if (ctx.message.kind === 'media') return void ctx.reply(tx(ctx).fileSaved);
  const pending = clearPending(ctx);
  if (pending && answerPending(ctx, pending)) return;
  const intent = detectIntent(ctx.message.text);
  if (!intent) return next();
  onIntent(ctx, intent);
}

/** The answer to a question a command asked. False when it was not an answer (the turn goes on). */
function answerPending(ctx: TurnContext, pending: Pending): boolean {
  const text = ctx.message.text.trim();
  if (!text) return false;
  switch (pending) {
    case 'feedback':
      recordFeedback(ctx, text);
      return true;
    case 'reschedule':
      recordReschedule(ctx, text);
      return true;
    case 'delete':
      if (YES.test(text)) requestErasure(ctx);
      else if (NO.test(text)) ctx.reply(tx(ctx).deleteCancelled);
      else return false;
      return true;
    case 'withdraw':
      if (YES.test(text)) optOut(ctx);
      else if (NO.test(text)) ctx.reply(tx(ctx).withdrawCancelled);
      else return false;
      return true;
  }
}

function onIntent(ctx: TurnContext, intent: CandidateIntent): void {
  if (intent === 'optOut') return optOut(ctx);
  if (intent === 'human') return requestHuman(ctx, `The candidate wrote: "${ctx.message.text.slice(0, 200)}"`);
  ask(ctx, 'withdraw', tx(ctx).withdrawConfirm);
}

function clearPending(ctx: TurnContext): Pending | undefined {
  const pending = readCommandsState(ctx.conversation).pending;
  if (pending) writeCommandsState(ctx.conversation, { pending: undefined });
  return pending;
}

function ask(ctx: TurnContext, pending: Pending, question: string | { text: string; choices: readonly { id: string; label: string }[] }): void {
  writeCommandsState(ctx.conversation, { pending });
  ctx.reply(typeof question === 'string' ? question : { text: question.text, choices: [...question.choices] });
}

/** The command texts in the candidate's language. */
function tx(ctx: Partial<Pick<TurnContext, 'conversation'>>): CommandTexts {
  return commandTextsFor(ctx.conversation ? languageOf(ctx.conversation) : 'en');
}
