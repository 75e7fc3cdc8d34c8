import { ErrorCodes, ParleyError, type Candidate, type Conversation, type Message, type NewDomainEvent, type OutboundMessage } from '../domain/index.js';
import type { ChannelCapabilities, Logger } from '../ports/index.js';
import { send, type Effect } from './effects.js';

/**
 * One turn: the inbound message, working copies of the conversation and candidate, and the
 * effects collected so far. Middleware reads and changes it; the engine commits it.
 */
export interface TurnContext {
  readonly correlationId: string;
  readonly now: Date;
  readonly log: Logger;
  /** The inbound message (for a voice note, `text` is the transcript once transcribed). */
  message: Message;
  readonly capabilities: ChannelCapabilities;
  conversation: Conversation;
  candidate: Candidate;
  readonly effects: Effect[];
  /** Queue a reply to the candidate on their channel. */
  reply(message: string | OutboundMessage): void;
  /** Record a domain event (id, time and actor filled in on commit). */
  emit(event: NewDomainEvent): void;
}

/** grammY-style middleware: do something, optionally call `next()` to pass the turn on. */
export type Middleware = (ctx: TurnContext, next: () => Promise<void>) => Promise<void>;

export function createTurnContext(init: Omit<TurnContext, 'effects' | 'reply' | 'emit'>): TurnContext {
  const effects: Effect[] = [];
  return {
    ...init,
    effects,
    reply: (message) => effects.push(send(message)),
    emit: (event) => effects.push({ type: 'emit', event }),
  };
}

/**
 * Run middleware in order; each decides whether the rest runs.
 *
 * @example
 * await compose([logTurn, commands, takeoverGate, interview])(ctx);
 */
export function compose(middleware: readonly Middleware[]): (ctx: TurnContext) => Promise<void> {
  return (ctx) => {
    // grammY / koa-compose rule: `next()` twice would run the rest of the chain twice
    // (duplicate replies), so it is a programming error, not a retry.
    let index = -1;
    const dispatch = async (i: number): Promise<void> => {
      if (i <= index) throw new ParleyError(ErrorCodes.INTERNAL, `middleware ${i - 1} called next() more than once`);
      index = i;
      const mw = middleware[i];
      if (mw) await mw(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
