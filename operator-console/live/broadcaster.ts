import type { Namespace, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../contract.js';

export type ConsoleNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ConsoleSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** Socket.IO's own single-process adapters (socket.io-adapter): every room is known locally. */
export const IN_MEMORY_ADAPTERS = new Set(['Adapter', 'SessionAwareAdapter']);

/** Rooms every console socket joins: everyone, its operator, and the conversations it watches. */
export const rooms = {
  all: 'console',
  operator: (id: string) => `op:${id}`,
  conversation: (id: string) => `conv:${id}`,
};

/**
 * Pushes to console sockets by audience. Socket.IO encodes each push once, whatever the number
 * of sockets in the room (and fans out across nodes with the Redis adapter).
 */
export class Broadcaster {
  constructor(private readonly nsp: () => ConsoleNamespace | undefined) {}

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

  private emit<E extends keyof ServerToClientEvents>(room: string, event: E, payload: Payload<E>): void {
    // The public methods keep event and payload paired; Socket.IO's own generics can't follow E here.
    const target = this.nsp()?.to(room) as unknown as { emit(event: string, payload: unknown): boolean } | undefined;
    target?.emit(event, payload);
  }
}
