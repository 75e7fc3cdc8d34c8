import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../contract.js';

export type ConsoleNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** Socket.IO's own single-process adapters (socket.io-adapter): every room is known locally. */
const IN_MEMORY_ADAPTERS = new Set(['Adapter', 'SessionAwareAdapter']);

/** Rooms every console socket joins: everyone, its operator, and the conversations it watches. */
export const rooms = {
  all: 'console',
  operator: (id: string) => `op:${id}`,
  conversation: (id: string) => `conv:${id}`,
};

/** How long pushes wait to be sent together (ms): a turn's message, replies and list rows go out as one batch. */
export const PUSH_TICK_MS = 10;

interface Push {
  room: string;
  event: string;
  payload: unknown;
}

/**
 * Pushes to console sockets by audience. Socket.IO encodes each push once, whatever the number
 * of sockets in the room (and fans out across nodes with the Redis adapter). Pushes are sent per
 * tick, in order; within a tick a conversation's list row, or a message pushed again (its status
 * changed), is sent once with its latest content, where it was first queued: every push costs a
 * write to every operator's socket and a decode in every browser.
 */
export class Broadcaster {
  private queued: Push[] = [];
  /** Index in `queued` of the push that a later one of the same row or message replaces. */
  private readonly latest = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly nsp: () => ConsoleNamespace | undefined,
    private readonly tickMs = PUSH_TICK_MS,
  ) {}

  /**
   * True when a push to `room` (everyone by default) may reach someone: a socket of this process
   * is in it, or the namespace fans out across processes (any adapter other than Socket.IO's
   * in-memory one), where the rooms of the other nodes are not known here. Callers skip building
   * pushes nobody would receive.
   */
  listening(room: string = rooms.all): boolean {
    const nsp = this.nsp();
    if (!nsp) return false;
    if (!IN_MEMORY_ADAPTERS.has(nsp.adapter.constructor.name)) return true;
    return (nsp.adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  toAll<E extends keyof ServerToClientEvents>(event: E, payload: Payload<E>): void {
    this.emit(rooms.all, event, payload);
  }

  toOperator<E extends keyof ServerToClientEvents>(operatorId: string, event: E, payload: Payload<E>): void {
    this.emit(rooms.operator(operatorId), event, payload);
  }

  toConversation<E extends keyof ServerToClientEvents>(conversationId: string, event: E, payload: Payload<E>): void {
    this.emit(rooms.conversation(conversationId), event, payload);
  }

  /** Send what is queued now (the tick does it otherwise). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pushes = this.queued;
    this.queued = [];
    this.latest.clear();
    const nsp = this.nsp();
    if (!nsp) return;
    for (const p of pushes) {
      // The public methods keep event and payload paired; Socket.IO's own generics can't follow E here.
      (nsp.to(p.room) as unknown as { emit(event: string, payload: unknown): boolean }).emit(p.event, p.payload);
    }
  }

  private emit<E extends keyof ServerToClientEvents>(room: string, event: E, payload: Payload<E>): void {
    const key = replaceKey(room, event, payload);
    const at = key === undefined ? undefined : this.latest.get(key);
    if (at !== undefined) {
      (this.queued[at] as Push).payload = payload;
      return;
    }
    if (key !== undefined) this.latest.set(key, this.queued.length);
    this.queued.push({ room, event, payload });
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.tickMs);
    this.timer.unref();
  }
}

/** Pushes a later one replaces within a tick: a conversation's list row, a message (status updates). */
function replaceKey(room: string, event: string, payload: unknown): string | undefined {
  if (event !== 'conversation:upsert' && event !== 'message') return undefined;
  const id = (payload as { id?: unknown }).id;
  return typeof id === 'string' ? `${room} ${event} ${id}` : undefined;
}
