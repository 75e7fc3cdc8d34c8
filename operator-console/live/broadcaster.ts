import type { Namespace, Socket } from 'socket.io';
import type { BatchItem, ClientToServerEvents, ServerToClientEvents, SocketData } from '../contract.js';

export type ConsoleNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Events the broadcaster pushes (`batch` is its own envelope for them). */
type PushEvent = Exclude<keyof ServerToClientEvents, 'batch'>;
type Payload<E extends PushEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Socket.IO's own single-process adapters (socket.io-adapter): every room is known locally. */
export const IN_MEMORY_ADAPTERS = new Set(['Adapter', 'SessionAwareAdapter']);

/** Rooms every console socket joins: everyone, its operator, and the conversations it watches. */
export const rooms = {
  all: 'console',
  operator: (id: string) => `op:${id}`,
  conversation: (id: string) => `conv:${id}`,
};

/**
 * A room's twin for the sockets that opted in to batched pushes (`auth.batch`): such a socket
 * joins `console~b`, `op:<id>~b`, `conv:<id>~b` instead of the plain rooms, so one encode per
 * batch serves every socket of the room, on every node (the adapter fans rooms out as usual).
 */
export function batchedRoom(room: string): string {
  return `${room}~b`;
}

/** The room `socket` joins (or leaves) for `room`: its batched twin when the socket opted in. */
export function roomFor(socket: ConsoleSocket, room: string): string {
  return socket.data.batch ? batchedRoom(room) : room;
}

/**
 * At most this many pushes wait for the end of the tick: the one that makes this many is flushed
 * at once with those before it, so a long tick's first pushes are not held until it ends (and no
 * packet carries more).
 */
export const MAX_BATCH_ITEMS = 50;

/**
 * Pushes to console sockets by audience. Socket.IO encodes each push once, whatever the number
 * of sockets in the room (and fans out across nodes with the Redis adapter).
 *
 * Sockets that opted in to batching (see `roomFor`) get the pushes of one event-loop tick as one
 * `batch` event per run of consecutive pushes to the same room, flushed on `setImmediate` (or as
 * soon as `MAX_BATCH_ITEMS` wait): a burst to everyone is one packet (one WebSocket frame per
 * socket) instead of one per push. The runs are sent in emission order, so every socket receives
 * its pushes in the order they were emitted, whatever rooms it is in (a push to another room in
 * between only splits the batch). Across nodes, pushes emitted on different nodes have no order
 * between them, batched or not. A batched socket may receive a push after a direct `socket.emit`
 * or an acknowledgement sent later in the same tick. Payloads are encoded at the flush: callers
 * hand over objects they no longer change (every caller builds a fresh one per push).
 */
export class Broadcaster {
  /** This tick's batched pushes: runs of consecutive pushes to the same (batched) room. */
  private pending: { room: string; items: BatchItem[] }[] = [];
  private pendingItems = 0;
  private flushing: NodeJS.Immediate | undefined;

  constructor(private readonly nsp: () => ConsoleNamespace | undefined) {}

  /**
   * True when a push to `room` (everyone by default) may reach someone: a socket of this process
   * is in it or its batched twin, or the namespace fans out across processes (any adapter other
   * than Socket.IO's in-memory one), where the rooms of the other nodes are not known here.
   * Callers skip building pushes nobody would receive.
   */
  listening(room: string = rooms.all): boolean {
    const nsp = this.nsp();
    if (!nsp) return false;
    if (!IN_MEMORY_ADAPTERS.has(nsp.adapter.constructor.name)) return true;
    return occupied(nsp, room) || occupied(nsp, batchedRoom(room));
  }

  toAll<E extends PushEvent>(event: E, payload: Payload<E>): void {
    this.emit(rooms.all, event, payload);
  }

  toOperator<E extends PushEvent>(operatorId: string, event: E, payload: Payload<E>): void {
    this.emit(rooms.operator(operatorId), event, payload);
  }

  toConversation<E extends PushEvent>(conversationId: string, event: E, payload: Payload<E>): void {
    this.emit(rooms.conversation(conversationId), event, payload);
  }

  /** Send this tick's batched pushes now (they go on `setImmediate` otherwise). */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    const runs = this.pending;
    this.pending = [];
    this.pendingItems = 0;
    const nsp = this.nsp();
    if (!nsp) return;
    for (const run of runs) (nsp.to(run.room) as unknown as Emitter).emit('batch', run.items);
  }

  private emit<E extends PushEvent>(room: string, event: E, payload: Payload<E>): void {
    const nsp = this.nsp();
    if (!nsp) return;
    // Without other nodes, a room nobody is in is skipped (no encode); with them, both variants go out.
    const local = IN_MEMORY_ADAPTERS.has(nsp.adapter.constructor.name);
    // The public methods keep event and payload paired; Socket.IO's own generics can't follow E here.
    if (!local || occupied(nsp, room)) (nsp.to(room) as unknown as Emitter).emit(event, payload);
    const twin = batchedRoom(room);
    if (!local || occupied(nsp, twin)) this.enqueue(twin, [event, payload] as BatchItem);
  }

  private enqueue(room: string, item: BatchItem): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.room === room) last.items.push(item);
    else this.pending.push({ room, items: [item] });
    if (++this.pendingItems >= MAX_BATCH_ITEMS) this.flush();
    else this.flushing ??= setImmediate(() => this.flush());
  }
}

type Emitter = { emit(event: string, payload: unknown): boolean };

function occupied(nsp: ConsoleNamespace, room: string): boolean {
  return (nsp.adapter.rooms.get(room)?.size ?? 0) > 0;
}
