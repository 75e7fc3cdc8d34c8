import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { Broadcaster, rooms, type ConsoleNamespace } from './broadcaster.js';

let http: HttpServer | undefined;
let server: Server | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await server?.close();
  http = server = undefined;
});

/** A real Socket.IO `/console` namespace where every socket joins the everyone room, and `n` operators connected to it. */
async function operators(n: number): Promise<{ broadcaster: Broadcaster; received: { event: string; payload: { id: string; v?: number } }[][] }> {
  http = createServer();
  server = new Server(http);
  const nsp = server.of('/console') as unknown as ConsoleNamespace;
  nsp.on('connection', (socket) => {
    void socket.join(rooms.all);
    socket.emit('hello', {} as never);
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const received = Array.from({ length: n }, () => [] as { event: string; payload: { id: string; v?: number } }[]);
  await Promise.all(
    received.map(async (log) => {
      const socket = connect(`http://127.0.0.1:${port}/console`, { transports: ['websocket'], forceNew: true });
      clients.push(socket);
      socket.onAny((event: string, payload: { id: string; v?: number }) => event !== 'hello' && log.push({ event, payload }));
      await new Promise((resolve) => socket.once('hello', resolve));
    }),
  );
  return { broadcaster: new Broadcaster(() => nsp), received };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('Broadcaster', () => {
  it("sends a tick's pushes in order, a list row or message pushed again once with its latest content where it was first queued", async () => {
    const { broadcaster, received } = await operators(3);
    const row = (v: number) => ({ id: 'conv_1', v }) as never;
    const message = (id: string, v: number) => ({ id, v }) as never;
    broadcaster.toAll('conversation:upsert', row(1));
    broadcaster.toAll('message', message('msg_in', 1));
    broadcaster.toAll('message', message('msg_out', 1));
    broadcaster.toAll('conversation:upsert', row(2));
    broadcaster.toAll('message', message('msg_out', 2));
    broadcaster.toAll('takeover', { conversationId: 'conv_1' } as never);
    broadcaster.toAll('conversation:upsert', row(3));
    await until(() => received.every((r) => r.length >= 4));
    const expected = [
      { event: 'conversation:upsert', payload: { id: 'conv_1', v: 3 } },
      { event: 'message', payload: { id: 'msg_in', v: 1 } },
      { event: 'message', payload: { id: 'msg_out', v: 2 } },
      { event: 'takeover', payload: { conversationId: 'conv_1' } },
    ];
    for (const r of received) expect(r).toEqual(expected);
    // The next tick starts afresh: the same row is pushed again.
    broadcaster.toAll('conversation:upsert', row(4));
    await until(() => received.every((r) => r.length >= 5));
    for (const r of received) expect(r.at(-1)).toEqual({ event: 'conversation:upsert', payload: { id: 'conv_1', v: 4 } });
  });
});
