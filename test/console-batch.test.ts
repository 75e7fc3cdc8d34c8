/**
 * Batched console pushes (issue 13): a socket that connects with `auth: { token, batch: 1 }` gets
 * the broadcast pushes of one server tick as `batch` events, `[[event, payload], ...]`, in the
 * order they were emitted; a plain socket gets each push as its own event, as before. Driven
 * through the real `/console` namespace and `Broadcaster` on a real Socket.IO server, with real
 * Socket.IO clients (the services behind the namespace are stubs: this is about the transport).
 * The same through the whole product: test/console-batch-live.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { silentLogger } from '../core/ports/index.js';
import type { Label, SavedFilter } from '../operator-console/contract.js';
import { Broadcaster, MAX_BATCH_ITEMS, type ConsoleNamespace } from '../operator-console/live/broadcaster.js';
import { attachConsoleNamespace, type NamespaceDeps } from '../operator-console/live/namespace.js';
import { connectRecorder, type Push, type Recorder } from './support/console-recorder.js';
import { eventually } from './support/harness.js';


let http: HttpServer;
let server: Server;
let url: string;
let nsp: ConsoleNamespace | undefined;
const broadcaster = new Broadcaster(() => nsp);
const open: Recorder[] = [];

beforeAll(async () => {
  http = createServer();
  server = new Server(http);
  const operator = (id: string) => ({ id, email: `${id}@acme.test`, name: id, role: 'admin' as const });
  // Just what connecting, greeting, watching and typing call: tokens are operator ids here.
  const deps = {
    auth: {
      authenticate: async (token: unknown) => ({ operator: operator(String(token)), expiresAt: new Date(Date.now() + 3_600_000), tokenVersion: 1 }),
      authenticateId: async (id: string) => ({ operator: operator(id) }),
    },
    inbox: { unread: async () => 0 },
    grace: { cancel: () => undefined, start: () => undefined },
    graceSec: 60,
    clock: { now: () => new Date() },
    log: silentLogger,
    views: { detail: async (id: string) => ({ id }) },
    typing: { operator: async (op: { id: string; name: string }, conversationId: string, send: (t: unknown) => void) => send({ conversationId, operatorId: op.id, operatorName: op.name }) },
    broadcaster,
  } as unknown as NamespaceDeps;
  nsp = attachConsoleNamespace(server, deps);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const r of open.splice(0)) r.socket.close();
  // Every socket gone from the server's rooms before the next test counts listeners.
  await eventually(() => nsp!.sockets.size === 0, 'the sockets to close');
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function connect(operatorId: string, batch: boolean): Promise<Recorder> {
  const r = await connectRecorder(url, operatorId, batch);
  open.push(r);
  return r;
}

function request(r: Recorder, event: string, payload: unknown): Promise<{ ok: boolean }> {
  return new Promise((resolve) => r.socket.emit(event, payload, resolve));
}

function label(name: string): { labels: Label[] } {
  return { labels: [{ id: `lbl_${name}`, name, color: '#2563eb', createdBy: 'ana', createdAt: '2026-12-01T00:00:00.000Z' }] };
}

function filters(name: string): { filters: SavedFilter[] } {
  return { filters: [{ id: `sf_${name}`, name } as SavedFilter] };
}

const names = (pushes: Push[]) => pushes.map(([event, payload]) => `${event}:${JSON.stringify(payload).match(/"name":"([^"]+)"/)?.[1] ?? '?'}`);
const events = (r: Recorder) => r.packets.map(([event]) => event).filter((e) => e !== 'hello');

describe('console pushes batched per socket', () => {
  it('gives an opted-in socket a burst of one tick as one batch, in emission order, and a plain socket each push on its own', async () => {
    const plain = await connect('ana', false);
    const batched = await connect('ana', true);
    // Under MAX_BATCH_ITEMS, so the whole burst waits for the end of the tick.
    const SIZE = MAX_BATCH_ITEMS - 1;
    const burst = Array.from({ length: SIZE }, (_, i) => label(`l${i}`));
    for (const p of burst) broadcaster.toAll('labels', p);
    await eventually(() => plain.pushes.length === SIZE && batched.pushes.length === SIZE, 'the burst to arrive');

    expect(batched.pushes).toEqual(plain.pushes);
    expect(plain.pushes).toEqual(burst.map((p) => ['labels', p]));
    // Fewer packets: one for the whole tick, where the plain socket got one per push.
    expect(events(batched)).toEqual(['batch']);
    expect(events(plain)).toEqual(Array.from({ length: SIZE }, () => 'labels'));
  });

  it('sends the batch at once when MAX_BATCH_ITEMS pushes wait, so a long tick does not hold its first pushes to its end', async () => {
    const batched = await connect('ana', true);
    // Packets the server writes to the socket, counted as they are written (synchronously).
    let written = 0;
    [...nsp!.sockets.values()][0]!.conn.on('packetCreate', (p: { type: string }) => void (p.type === 'message' && written++));
    const rest = Math.floor(MAX_BATCH_ITEMS / 2);
    const burst = Array.from({ length: MAX_BATCH_ITEMS + rest }, (_, i) => label(`l${i}`));
    burst.slice(0, MAX_BATCH_ITEMS - 1).forEach((p) => broadcaster.toAll('labels', p));
    expect(written).toBe(0);
    broadcaster.toAll('labels', burst[MAX_BATCH_ITEMS - 1]!);
    expect(written).toBe(1);
    burst.slice(MAX_BATCH_ITEMS).forEach((p) => broadcaster.toAll('labels', p));
    expect(written).toBe(1);
    await eventually(() => batched.pushes.length === burst.length, 'the burst to arrive');
    expect(batched.pushes).toEqual(burst.map((p) => ['labels', p]));
    expect(batched.packets.filter(([e]) => e === 'batch').map(([, items]) => (items as Push[]).length)).toEqual([MAX_BATCH_ITEMS, rest]);
  });

  it('keeps emission order for a socket in several rooms: runs to different rooms go out in turn', async () => {
    const ana = await connect('ana', true);
    const bo = await connect('bo', true);
    const anaPlain = await connect('ana', false);
    expect(await request(ana, 'conversation:watch', { conversationId: 'c1' })).toMatchObject({ ok: true });
    expect(await request(anaPlain, 'conversation:watch', { conversationId: 'c1' })).toMatchObject({ ok: true });

    broadcaster.toAll('labels', label('L1'));
    broadcaster.toOperator('ana', 'saved-filters', filters('F1'));
    broadcaster.toAll('labels', label('L2'));
    broadcaster.toConversation('c1', 'labels', label('C1'));
    broadcaster.toAll('labels', label('L3'));
    broadcaster.toAll('labels', label('L4'));
    await eventually(() => ana.pushes.length === 6 && bo.pushes.length === 4 && anaPlain.pushes.length === 6, 'the pushes to arrive');

    expect(names(ana.pushes)).toEqual(['labels:L1', 'saved-filters:F1', 'labels:L2', 'labels:C1', 'labels:L3', 'labels:L4']);
    expect(ana.pushes).toEqual(anaPlain.pushes);
    expect(names(bo.pushes)).toEqual(['labels:L1', 'labels:L2', 'labels:L3', 'labels:L4']);
    // A run is cut where the next push goes to another room: still fewer packets than pushes.
    expect(events(ana)).toHaveLength(5);
    expect(events(bo)).toEqual(['batch', 'batch', 'batch']);
  });

  it('counts the sockets of both room variants as listening', async () => {
    expect(broadcaster.listening()).toBe(false);
    const ana = await connect('ana', true);
    expect(broadcaster.listening()).toBe(true);
    expect(broadcaster.listening('op:ana')).toBe(true);
    expect(broadcaster.listening('op:bo')).toBe(false);
    expect(broadcaster.listening('conv:c1')).toBe(false);
    expect(await request(ana, 'conversation:watch', { conversationId: 'c1' })).toMatchObject({ ok: true });
    expect(broadcaster.listening('conv:c1')).toBe(true);
    ana.socket.emit('conversation:unwatch', { conversationId: 'c1' });
    await eventually(() => !broadcaster.listening('conv:c1'), 'the unwatch');
    // After the unwatch, the conversation's pushes no longer reach the socket.
    broadcaster.toConversation('c1', 'labels', label('gone'));
    broadcaster.toAll('labels', label('end'));
    await eventually(() => ana.pushes.length === 1, 'the last push');
    expect(names(ana.pushes)).toEqual(['labels:end']);
  });

  it('relays operator typing to the watchers of both variants, as its own event', async () => {
    const ana = await connect('ana', true);
    const bo = await connect('bo', true);
    const cy = await connect('cy', false);
    for (const r of [ana, bo, cy]) expect(await request(r, 'conversation:watch', { conversationId: 'c1' })).toMatchObject({ ok: true });
    ana.socket.emit('typing', { conversationId: 'c1' });
    await eventually(() => bo.pushes.length === 1 && cy.pushes.length === 1, 'the typing relay');
    expect(bo.packets.filter(([e]) => e !== 'hello')).toEqual([['typing', { conversationId: 'c1', operatorId: 'ana', operatorName: 'ana' }]]);
    expect(cy.pushes).toEqual(bo.pushes);
    expect(ana.pushes).toEqual([]);
  });
});
