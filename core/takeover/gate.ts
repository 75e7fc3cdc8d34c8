import type { Middleware } from '../engine/index.js';

/**
 * In human mode the bot never replies: the turn is recorded (and shown to the operator) and
 * nothing else runs.
 */
export const takeoverGate: Middleware = async (ctx, next) => {
  if (ctx.conversation.mode === 'human') {
    ctx.log.debug('conversation in human mode: bot stays silent');
    return;
  }
  await next();
};
