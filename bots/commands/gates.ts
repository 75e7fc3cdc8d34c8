import type { Middleware } from '../../core/engine/index.js';
import { optIn, optOut } from './actions.js';
import { detectIntent } from './intents.js';
import { parseCommand } from './parse.js';

/**
 * Opt-out, ahead of everything else (even human mode): STOP, `/stop` or a clear "stop messaging
 * me" opts out with one confirmation; an opted-out candidate's messages are stored but never
 * answered, except `/start`, which opts back in and continues as a normal `/start`.
 *
 * @example
 * middleware: { beforeGate: [optOutGate()] }
 */
export function optOutGate(): Middleware {
  return async (ctx, next) => {
    const cmd = parseCommand(ctx.message.text);
    if (ctx.candidate.optedOut) {
      if (cmd?.name !== 'start') {
        ctx.log.debug('candidate opted out: message stored, no reply');
        return;
      }
      optIn(ctx);
      return next();
    }
    if (cmd?.name === 'stop' || (!cmd && ctx.message.kind !== 'system' && detectIntent(ctx.message.text) === 'optOut')) return optOut(ctx);
    await next();
  };
}

/**
 * `system` inbound messages (a Telegram edit, for instance) are stored and shown to recruiters
 * but never answered: the bot already replied to the original.
 */
export const systemMessagesRecordOnly: Middleware = async (ctx, next) => {
  if (ctx.message.direction === 'in' && ctx.message.kind === 'system') return;
  await next();
};
