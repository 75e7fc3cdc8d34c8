import { STAGE_LABELS, type Stage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import { parseCommand } from './parse.js';

const NEXT_STEP: Record<Stage, string> = {
  new: 'say hi to get started.',
  intake: 'finish the few intake questions above.',
  screening: 'the technical interview here in the chat.',
  interviewing: 'answer the current interview question.',
  assessed: 'our recruiters review your interview and get back to you.',
  scheduled: 'your interview with the team.',
  hired: 'our team will be in touch about the offer.',
  rejected: 'nothing more for this application. Thank you for your time!',
  withdrawn: 'nothing: you have withdrawn. Type /start to opt back in.',
};

export const HELP_TEXT = [
  'Here is what I can do:',
  '/status - where your application stands',
  '/help - this list',
  '/start - start over or continue',
].join('\n');

/** The candidate's status in plain words. */
export function statusText(ctx: Pick<TurnContext, 'candidate'>): string {
  const { stage, role, name } = ctx.candidate;
  const who = name ? `${name}, your application` : 'Your application';
  const forRole = role ? ` for ${role}` : '';
  return `${who}${forRole}: ${STAGE_LABELS[stage]}.\nNext step: ${NEXT_STEP[stage]}`;
}

export type CommandHandler = (ctx: TurnContext, args: { args: string[]; rest: string }) => Promise<boolean | void> | boolean | void;

/**
 * Candidate commands. A handler returning `false` passes the turn on (e.g. `/start` during
 * intake lets the intake dialog answer). Unknown commands get a pointer to /help.
 */
export function candidateCommands(extra: Record<string, CommandHandler> = {}): Middleware {
  const handlers: Record<string, CommandHandler> = {
    help: (ctx) => ctx.reply(HELP_TEXT),
    status: (ctx) => ctx.reply(statusText(ctx)),
    start: (ctx) => {
      if (ctx.candidate.stage === 'new' || ctx.candidate.stage === 'intake') return false;
      ctx.reply(`Welcome back! ${statusText(ctx)}`);
      return true;
    },
    ...extra,
  };
  return async (ctx, next) => {
    const cmd = parseCommand(ctx.message.text);
    if (!cmd) return next();
    ctx.message = { ...ctx.message, kind: 'command' };
    const handler = handlers[cmd.name];
    if (!handler) {
      ctx.reply(`I don't know the command /${cmd.name}. Type /help to see what I can do.`);
      return;
    }
    const handled = await handler(ctx, { args: cmd.args, rest: cmd.rest });
    if (handled === false) return next();
  };
}
