import type { IncomingMessage } from 'node:http';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { ValidationError, type ConversationRef, type Message, type OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { ChannelAdapter, Clock, Logger, SendContext, SendResult, Store } from '../../core/ports/index.js';
import type { WebchatSettings } from './config.js';
import {
  MAX_WEBCHAT_TEXT,
  WEBCHAT_NAMESPACE,
  type WebchatAck,
  type WebchatBranding,
  type WebchatClientToServer,
  type WebchatMessage,
  type WebchatServerToClient,
  type WebchatSocketData,
} from './contract.js';
import { webchatCapabilities } from './definition.js';
import { SlidingWindowLimiter } from './limits.js';
import { hashSecret, newPublicId, newSessionSecret, type WebchatSessionStore } from './sessions.js';

type WebchatSocket = Socket<WebchatClientToServer, WebchatServerToClient, Record<string, never>, WebchatSocketData>;
type WebchatNamespace = Namespace<WebchatClientToServer, WebchatServerToClient, Record<string, never>, WebchatSocketData>;

const SecretSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);
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
const NEW_SESSION_WINDOW_MS = 3_600_000;
const HISTORY_LIMIT = 200;
const DAY_MS = 86_400_000;

export const TOO_FAST = 'You are sending messages too quickly. Please wait a few seconds.';
export const TOO_MANY_CHATS = 'Too many new chats were started from your network. Please try again later.';

export interface WebchatDeps {
  engine: Engine;
  store: Store;
  clock: Clock;
  log: Logger;
  sessions: WebchatSessionStore;
  settings: Pick<WebchatSettings, 'WEBCHAT_RATE_LIMIT' | 'WEBCHAT_IP_RATE_LIMIT' | 'WEBCHAT_NEW_SESSIONS_PER_IP' | 'WEBCHAT_SESSION_TTL_DAYS'> &
    Partial<Pick<WebchatSettings, 'WEBCHAT_COMPANY_NAME' | 'WEBCHAT_LOGO_URL' | 'WEBCHAT_ACCENT_COLOR' | 'WEBCHAT_GREETING' | 'WEBCHAT_AVAILABILITY'>> & { PARLEY_COMPANY_NAME?: string };
  /** Called when a candidate starts or stops typing in a stored conversation (the console may forward it). */
  onCandidateTyping?: (conversationId: string, typing: boolean) => void;
  /** The client's address of a handshake, resolved under the app's `trust proxy` (default: the TCP peer). */
  clientAddress?: (req: IncomingMessage) => string;
}

interface Limits {
  perSession: SlidingWindowLimiter;
  perAddress: SlidingWindowLimiter;
  newSessions: SlidingWindowLimiter;
}

/**
 * The web chat channel: Socket.IO namespace `/webchat` in, room emits out.
 *
 * A browser holds a session secret; the server stores its hash and a separate public id, which is
 * the conversation's external id (what operators see). Connecting creates nothing: the session
 * and the conversation are stored with the first accepted message, so opened chat pages never
 * reach the console, the funnel or the risk sweep. Sessions expire after
 * `WEBCHAT_SESSION_TTL_DAYS` without a connection or message. Rate limits count per session
 * (however many sockets share it) and per client address.
 */
export class WebchatChannel implements ChannelAdapter {
  readonly id = 'webchat' as const;
  readonly capabilities = webchatCapabilities;
  private nsp: WebchatNamespace | undefined;
  private deps: WebchatDeps | undefined;
  private limits: Limits | undefined;
  private branding: WebchatBranding | undefined;
  /** Recruiters' names by operator id, learnt from their join notices. */
  private readonly operatorNames = new Map<string, string>();

  /** Register the namespace. Call once the engine exists. */
  attach(io: Server, deps: WebchatDeps): void {
    this.deps = deps;
    this.limits = {
      perSession: new SlidingWindowLimiter(deps.settings.WEBCHAT_RATE_LIMIT, RATE_WINDOW_MS),
      perAddress: new SlidingWindowLimiter(deps.settings.WEBCHAT_IP_RATE_LIMIT, RATE_WINDOW_MS),
      newSessions: new SlidingWindowLimiter(deps.settings.WEBCHAT_NEW_SESSIONS_PER_IP, NEW_SESSION_WINDOW_MS),
    };
    this.branding = brandingOf(deps.settings);
    void deps.sessions.deleteIdleSince(this.expiredBefore()).catch((err: unknown) => deps.log.warn({ err }, 'webchat: could not remove expired sessions'));
    this.nsp = io.of(WEBCHAT_NAMESPACE) as WebchatNamespace;
    this.nsp.on('connection', (socket) => {
      this.onConnection(socket).catch((err: unknown) => {
        deps.log.error({ err }, 'webchat connection setup failed');
        socket.disconnect(true);
      });
    });
  }

  async send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    await this.learnOperatorName(ctx.message);
    const payload = this.toWire({ ...ctx.message, text: message.text, ...(message.choices ? { choices: message.choices } : {}) });
    this.nsp?.to(room(ref.externalId)).emit('message', payload);
    return { providerMessageId: ctx.message.id };
  }

  async typing(ref: ConversationRef): Promise<void> {
    this.nsp?.to(room(ref.externalId)).emit('typing', { typing: true });
  }

  /**
   * With several nodes the join notice may have been sent by another one: read it from the store
   * (the conversation's latest messages) the first time this node sends that recruiter's words.
   */
  private async learnOperatorName(m: Message): Promise<void> {
    if (m.author !== 'operator' || !m.authorId || m.purpose === 'takeover-joined' || this.operatorNames.has(m.authorId) || !this.deps) return;
    const recent = await this.deps.store.listMessages(m.conversationId, { limit: HISTORY_LIMIT });
    const joined = recent.filter((r) => r.purpose === 'takeover-joined' && r.authorId === m.authorId).at(-1);
    if (joined) this.toWire(joined);
  }

  /** A message as the browser sees it, with the recruiter's name and the takeover notices marked. */
  private toWire(m: Message): WebchatMessage {
    let authorName: string | undefined;
    const notice: WebchatMessage['notice'] = m.purpose === 'takeover-joined' ? 'joined' : m.purpose === 'takeover-left' ? 'left' : undefined;
    if (m.author === 'operator') {
      // The recruiter's name, learnt from their join notice (its text names them).
      const joined = notice === 'joined' ? JOINED.exec(m.text)?.[1] : undefined;
      if (joined && m.authorId) this.operatorNames.set(m.authorId, joined);
      authorName = joined ?? (m.authorId ? this.operatorNames.get(m.authorId) : undefined);
    }
    return {
      id: m.id,
      author: m.author,
      text: m.text,
      createdAt: m.createdAt.toISOString(),
      ...(m.choices?.length ? { choices: m.choices } : {}),
      ...(authorName ? { authorName } : {}),
      ...(notice ? { notice } : {}),
    };
  }

  private expiredBefore(): Date {
    const deps = this.deps as WebchatDeps;
    return new Date(deps.clock.now().getTime() - deps.settings.WEBCHAT_SESSION_TTL_DAYS * DAY_MS);
  }

  private async onConnection(socket: WebchatSocket): Promise<void> {
    const deps = this.deps as WebchatDeps;
    const address = deps.clientAddress?.(socket.request) ?? socket.request.socket.remoteAddress ?? 'unknown';
    const offered = SecretSchema.safeParse((socket.handshake.auth as { sessionId?: unknown } | undefined)?.sessionId);
    const resumed = offered.success ? await this.resume(offered.data) : undefined;
    // Unknown or expired secrets get a fresh one: nothing is stored until the first message.
    const data: WebchatSocketData = resumed ?? { secret: newSessionSecret(), publicId: newPublicId(), pending: true, address };
    socket.data = { ...data, address };
    await socket.join(room(data.publicId));
    socket.on('message', (payload, ack) => {
      void this.onMessage(socket, payload, typeof ack === 'function' ? ack : () => undefined);
    });
    socket.on('typing', (p) => {
      const conversationId = socket.data.conversationId;
      if (conversationId && this.deps?.onCandidateTyping) this.deps.onCandidateTyping(conversationId, (p as { typing?: unknown } | undefined)?.typing === true);
    });
    socket.emit('branding', this.branding as WebchatBranding);
    socket.emit('session', { sessionId: data.secret, ...(data.conversationId ? { conversationId: data.conversationId } : {}) });
    const history = data.conversationId ? await deps.store.listMessages(data.conversationId, { limit: HISTORY_LIMIT }) : [];
    socket.emit('history', history.filter(visible).map((m) => this.toWire(m)));
  }

  /** The stored session for a secret, rotating a legacy secret; undefined when unknown or expired. */
  private async resume(secret: string): Promise<WebchatSocketData | undefined> {
    const deps = this.deps as WebchatDeps;
    const hash = hashSecret(secret);
    const session = await deps.sessions.find(hash);
    if (!session) return undefined;
    const now = deps.clock.now();
    if (session.lastSeenAt < this.expiredBefore()) {
      await deps.sessions.delete(hash);
      return undefined;
    }
    let current = secret;
    if (session.rotate) {
      current = newSessionSecret();
      await deps.sessions.rotate(hash, hashSecret(current), now);
    } else {
      await deps.sessions.touch(hash, now);
    }
    const conversation = await deps.store.findConversationByRef({ channel: 'webchat', externalId: session.publicId });
    return { secret: current, publicId: session.publicId, pending: false, address: '', ...(conversation ? { conversationId: conversation.id } : {}) };
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
      ack({ ok: false, error: TOO_FAST });
      return;
    }
    try {
      if (socket.data.pending && !(await this.startSession(socket))) {
        ack({ ok: false, error: TOO_MANY_CHATS });
        return;
      }
      const { publicId } = socket.data;
      const result = await deps.engine.receive({
        ref: { channel: 'webchat', externalId: publicId },
        // Scoped by session so one browser cannot collide with another's ids.
        providerMessageId: `${publicId}:${parsed.data.clientMessageId}`,
        sender: { id: publicId, ...browserLanguage(socket.handshake.headers['accept-language']) },
        kind: 'text',
        text: parsed.data.text,
        receivedAt: deps.clock.now(),
      });
      if (!socket.data.conversationId) {
        socket.data.conversationId = result.conversationId;
        socket.emit('session', { sessionId: socket.data.secret, conversationId: result.conversationId });
      }
      ack({ ok: true, id: result.messageId, ...(result.duplicate ? { duplicate: true } : {}) });
    } catch (err) {
      deps.log.error({ err }, 'webchat: could not accept message');
      ack({ ok: false, error: err instanceof ValidationError ? err.issues.join('; ') : 'Parley could not take your message right now. Please try again.' });
    }
  }

  /**
   * Store a pending session (its first message is being accepted), once per socket even when
   * several first messages arrive together. False when the client address started too many.
   */
  private async startSession(socket: WebchatSocket): Promise<boolean> {
    const deps = this.deps as WebchatDeps;
    const limits = this.limits as Limits;
    socket.data.starting ??= (async () => {
      if (!limits.newSessions.take(socket.data.address, Date.now())) return false;
      const now = deps.clock.now();
      await deps.sessions.create(hashSecret(socket.data.secret), { publicId: socket.data.publicId, createdAt: now, lastSeenAt: now, rotate: false });
      socket.data.pending = false;
      return true;
    })();
    const started = await socket.data.starting.catch((err: unknown) => {
      delete socket.data.starting;
      throw err;
    });
    if (!started) delete socket.data.starting;
    return started;
  }

  /** One more message from this session and this client address, if both are under their limit. */
  private allow(socket: WebchatSocket): boolean {
    const limits = this.limits as Limits;
    const now = Date.now();
    return limits.perSession.take(socket.data.publicId, now) && limits.perAddress.take(socket.data.address, now);
  }
}

const room = (publicId: string) => `webchat:${publicId}`;

/** Messages a candidate sees in their history: theirs and ours, never failed internals. */
function visible(m: Message): boolean {
  return m.direction === 'in' || (m.status !== 'failed' && m.status !== 'suppressed');
}

/** The join notice's text (core/takeover/texts.ts), to learn the recruiter's name from it. */
const JOINED = /^(.{1,80}) from the recruiting team has joined the chat\.$/;

function brandingOf(s: WebchatDeps['settings']): WebchatBranding {
  const companyName = s.WEBCHAT_COMPANY_NAME || s.PARLEY_COMPANY_NAME || 'Parley';
  return {
    companyName,
    ...(s.WEBCHAT_LOGO_URL ? { logoUrl: s.WEBCHAT_LOGO_URL } : {}),
    accentColor: s.WEBCHAT_ACCENT_COLOR ?? '#2f4ae0',
    greeting: s.WEBCHAT_GREETING || `Hi! You are chatting with ${companyName}'s recruiting assistant. Ask about our jobs, or say hi to start.`,
    availability: s.WEBCHAT_AVAILABILITY ?? '',
  };
}

/** The browser's first language (`Accept-Language: es-ES,es;q=0.9` -> `es-ES`): a hint for the bot's language. */
function browserLanguage(header: string | undefined): { locale?: string } {
  const first = header?.split(',')[0]?.split(';')[0]?.trim();
  return first && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(first) ? { locale: first.slice(0, 35) } : {};
}
