import { z } from 'zod';
import { NotFoundError } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Ack, ClientToServerEvents } from '../contract.js';
import { failAck, isExpected, toFailure } from '../errors.js';
import type { NotificationInbox } from '../notifications/inbox.js';
import type { Operator } from '../store/types.js';
import type { TakeoverService } from '../takeover/takeover-service.js';
import type { ConversationViews } from '../views/conversation-views.js';
import type { Notes } from '../workspace/notes.js';
import { toConsoleMessage } from '../wire.js';
import { batchedRoom, roomFor, rooms, type Broadcaster, type ConsoleSocket } from './broadcaster.js';
import type { SyncService } from './sync.js';
import type { TypingRelay } from './typing.js';

export interface HandlerDeps {
  auth: AuthService;
  views: ConversationViews;
  takeovers: TakeoverService;
  notes: Notes;
  inbox: NotificationInbox;
  sync: SyncService;
  broadcaster: Broadcaster;
  typing: TypingRelay;
  log: Logger;
}

const Id = z.string({ error: 'conversationId must be a string' }).min(1, 'conversationId is required').max(128);
const Target = z.object({ conversationId: Id });
const schemas = {
  sync: z.object({ since: z.string().max(64).optional() }),
  target: Target,
  takeover: Target.extend({ force: z.boolean().optional() }),
  handback: Target.extend({ summary: z.string().max(4000).optional() }),
  send: Target.extend({ text: z.unknown() }),
  note: Target.extend({ text: z.unknown() }),
  read: z.object({ ids: z.array(z.string().max(128)).max(1000).optional(), all: z.boolean().optional() }),
};

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]> extends [unknown, (r: Ack<infer T>) => void] ? T : never;

/** The client events of one console socket: validated, re-authorised per call, acknowledged. */
export function registerHandlers(socket: ConsoleSocket, deps: HandlerDeps): void {
  const { views, takeovers } = deps;
  handle(socket, deps, 'sync', schemas.sync, (op, p) => deps.sync.since(op, p.since));
  handle(socket, deps, 'conversation:watch', schemas.target, async (_op, p) => {
    const detail = await views.detail(p.conversationId);
    await socket.join(roomFor(socket, rooms.conversation(p.conversationId)));
    return detail;
  });
  handle(socket, deps, 'conversation:read', schemas.target, async (_op, p) => {
    await views.markRead(p.conversationId);
    const summary = await views.summaryById(p.conversationId);
    if (!summary) throw new NotFoundError('Conversation', p.conversationId);
    deps.broadcaster.toAll('conversation:upsert', summary);
    return summary;
  });
  handle(socket, deps, 'takeover', schemas.takeover, async (op, p) => views.summary(await takeovers.takeover(op, p.conversationId, p.force)));
  handle(socket, deps, 'handback', schemas.handback, async (op, p) => {
    const { conversation, resumedWith } = await takeovers.handback(op, p.conversationId, p.summary);
    return { summary: await views.summary(conversation), ...(resumedWith ? { resumedWith } : {}) };
  });
  handle(socket, deps, 'message:send', schemas.send, async (op, p) => toConsoleMessage(await takeovers.send(op, p.conversationId, p.text), op.name));
  handle(socket, deps, 'note:add', schemas.note, (op, p) => deps.notes.add(op, p.conversationId, p.text));
  handle(socket, deps, 'notifications:read', schemas.read, async (op, p) => ({ unread: await deps.inbox.markRead(op, p.all ? 'all' : (p.ids ?? [])) }));

  socket.on('conversation:unwatch', (p) => {
    const parsed = schemas.target.safeParse(p);
    if (parsed.success) void socket.leave(roomFor(socket, rooms.conversation(parsed.data.conversationId)));
  });
  socket.on('typing', (p) => {
    const parsed = schemas.target.safeParse(p);
    if (!parsed.success || socket.data.operator.role === 'viewer') return;
    const room = rooms.conversation(parsed.data.conversationId);
    void deps.typing.operator(socket.data.operator, parsed.data.conversationId, (t) => socket.to([room, batchedRoom(room)]).emit('typing', t)).catch((err: unknown) => deps.log.warn({ err }, 'console: typing relay failed'));
  });
}

function handle<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: ConsoleSocket,
  deps: HandlerDeps,
  event: E,
  schema: S,
  run: (operator: Operator, payload: z.infer<S>) => Promise<AckData<E>>,
): void {
  const listen = socket.on.bind(socket) as unknown as (event: string, listener: (payload: unknown, ack: unknown) => void) => void;
  listen(event, (payload, ack) => {
    const reply = typeof ack === 'function' ? (ack as (r: Ack<AckData<E>>) => void) : () => undefined;
    void respond(socket, deps, event, schema, run, payload).then(reply);
  });
}

async function respond<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: ConsoleSocket,
  deps: HandlerDeps,
  event: E,
  schema: S,
  run: (operator: Operator, payload: z.infer<S>) => Promise<AckData<E>>,
  payload: unknown,
): Promise<Ack<AckData<E>>> {
  try {
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) return { ok: false, code: 'VALIDATION', error: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
    const { operator } = await deps.auth.authenticateId(socket.data.operator.id, socket.data.tokenVersion);
    return { ok: true, data: await run(operator, parsed.data) };
  } catch (err) {
    if (!isExpected(err) && toFailure(err).code === 'INTERNAL') deps.log.error({ err, event }, 'console: socket action failed');
    if (toFailure(err).code === 'UNAUTHORIZED') setImmediate(() => socket.disconnect(true));
    return failAck(err);
  }
}
