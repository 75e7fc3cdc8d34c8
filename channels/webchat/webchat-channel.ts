import { randomBytes } from 'node:crypto';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { ValidationError, type ConversationRef, type Message, type OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { ChannelAdapter, Clock, Logger, SendContext, SendResult, Store } from '../../core/ports/index.js';
import {
  MAX_WEBCHAT_TEXT,
  WEBCHAT_NAMESPACE,
  type WebchatAck,
  type WebchatClientToServer,
  type WebchatMessage,
  type WebchatServerToClient,
  type WebchatSocketData,
} from './contract.js';
import { webchatCapabilities } from './definition.js';

type WebchatSocket = Socket<WebchatClientToServer, WebchatServerToClient, Record<string, never>, WebchatSocketData>;
type WebchatNamespace = Namespace<WebchatClientToServer, WebchatServerToClient, Record<string, never>, WebchatSocketData>;

const SessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const IncomingSchema = z.object({
  text: z
    .string({ error: 'text must be a string' })
    .trim()
    .min(1, 'text must not be empty')
    .max(MAX_WEBCHAT_TEXT, `text must be at most ${MAX_WEBCHAT_TEXT} characters`),
  clientMessageId: z
    .string({ error: 'clientMessageId must be a string' })
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'clientMessageId must be 1 to 128 letters, digits or _.:-'),
});

const RATE_WINDOW_MS = 10_000;
const RATE_MAX = 20;
const HISTORY_LIMIT = 200;

export interface WebchatDeps {
  engine: Engine;
  store: Store;
  clock: Clock;
  log: Logger;
}

/**
 * The web chat channel: Socket.IO namespace `/webchat` in, room emits out. A session id (kept
 * by the browser) is the conversation's external id, so a reload resumes the same conversation.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities = webchatCapabilities;
  private nsp: WebchatNamespace | undefined;
  private deps: WebchatDeps | undefined;

  /** Register the namespace. Call once the engine exists. */
  attach(io: Server, deps: WebchatDeps): void {
    this.deps = deps;
    this.nsp = io.of(WEBCHAT_NAMESPACE) as WebchatNamespace;
    this.nsp.on('connection', (socket) => {
      this.onConnection(socket).catch((err: unknown) => {
        deps.log.error({ err }, 'webchat connection setup failed');
        socket.disconnect(true);
      });
    });
  }

  async send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    const payload = toWire({ ...ctx.message, text: message.text, ...(message.choices ? { choices: message.choices } : {}) });
    this.nsp?.to(room(ref.externalId)).emit('message', payload);
    return { providerMessageId: ctx.message.id };
  }

  async typing(ref: ConversationRef): Promise<void> {
    this.nsp?.to(room(ref.externalId)).emit('typing', { typing: true });
  }

  private async onConnection(socket: WebchatSocket): Promise<void> {
    const deps = this.deps as WebchatDeps;
    const offered = (socket.handshake.auth as { sessionId?: unknown } | undefined)?.sessionId;
    const sessionId = SessionIdSchema.safeParse(offered).success ? (offered as string) : randomBytes(18).toString('base64url');
    const ref: ConversationRef = { channel: 'webchat', externalId: sessionId };
    const { conversation } = await deps.store.ensureConversation(ref, { id: sessionId }, deps.clock.now());
    socket.data = { sessionId, conversationId: conversation.id, recent: [] };
    await socket.join(room(sessionId));
    socket.on('message', (payload, ack) => {
      void this.onMessage(socket, payload, typeof ack === 'function' ? ack : () => undefined);
    });
    socket.emit('session', { sessionId, conversationId: conversation.id });
    const history = await deps.store.listMessages(conversation.id, { limit: HISTORY_LIMIT });
    socket.emit('history', history.filter(visible).map(toWire));
  }

  private async onMessage(socket: WebchatSocket, payload: unknown, ack: (r: WebchatAck) => void): Promise<void> {
    const deps = this.deps as WebchatDeps;
    const parsed = IncomingSchema.safeParse(payload);
    if (!parsed.success) {
      deps.log.warn({ issues: parsed.error.issues.map((i) => i.message) }, 'webchat: malformed message rejected');
      ack({ ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') });
      return;
    }
    if (!this.allow(socket)) {
      ack({ ok: false, error: 'You are sending messages too quickly. Please wait a few seconds.' });
      return;
    }
    const { sessionId } = socket.data;
    try {
      const result = await deps.engine.receive({
        ref: { channel: 'webchat', externalId: sessionId },
        // Scoped by session so one browser cannot collide with another's ids.
        providerMessageId: `${sessionId}:${parsed.data.clientMessageId}`,
        sender: { id: sessionId },
        kind: 'text',
        text: parsed.data.text,
        receivedAt: deps.clock.now(),
      });
      ack({ ok: true, id: result.messageId, ...(result.duplicate ? { duplicate: true } : {}) });
    } catch (err) {
      deps.log.error({ err }, 'webchat: could not accept message');
      ack({ ok: false, error: err instanceof ValidationError ? err.issues.join('; ') : 'Parley could not take your message right now. Please try again.' });
    }
  }

  private allow(socket: WebchatSocket): boolean {
    const now = Date.now();
    const recent = socket.data.recent.filter((t) => now - t < RATE_WINDOW_MS);
    recent.push(now);
    socket.data.recent = recent;
    return recent.length <= RATE_MAX;
  }
}

const room = (sessionId: string) => `webchat:${sessionId}`;

/** Messages a candidate sees in their history: theirs and ours, never failed internals. */
function visible(m: Message): boolean {
  return m.direction === 'in' || (m.status !== 'failed' && m.status !== 'suppressed');
}

function toWire(m: Message): WebchatMessage {
  return {
    id: m.id,
    author: m.author,
    text: m.text,
    createdAt: m.createdAt.toISOString(),
    ...(m.choices?.length ? { choices: m.choices } : {}),
  };
}
