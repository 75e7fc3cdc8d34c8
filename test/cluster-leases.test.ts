/**
 * Singletons in cluster mode, on a real redis-server: the lease itself (exclusive, fenced,
 * renewed, taken over once the holder stops renewing), and WhatsApp Web under it: two Parley
 * nodes (one process, one shared SQLite file, one Redis), exactly one holds the Baileys socket,
 * the other's sends reach the holder, and the socket moves when the holder stops.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationState, WAMessage } from '@whiskeysockets/baileys';
import { Redis } from 'ioredis';
import type { BaileysSocket, SocketFactory } from '../channels/whatsapp/baileys/baileys-provider.js';
import { Lease, LeaseLeader } from '../core/cluster/lease.js';
import type { ChannelAdapter } from '../core/ports/index.js';
import { silentLogger } from '../core/ports/index.js';
import { pluginsWithBaileys } from './support/baileys.js';
import { fixture } from './support/fixtures.js';
import { eventually, opsGet, startParley, type TestParley } from './support/harness.js';
import { hasRedisServer, REDIS_MISSING, startRedis, type TestRedis } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

const run = requireSystemPackage('redis-server', hasRedisServer(), REDIS_MISSING) ? describe : describe.skip;

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

run('lease (SET NX PX, fencing token, renewal)', () => {
  it('is held by one owner at a time; a holder that stops renewing is replaced, with a higher token, and can tell', async () => {
    const a = new Lease({ redis: client, key: 'unit:lease', owner: 'a', ttlMs: 400 });
    const b = new Lease({ redis: client, key: 'unit:lease', owner: 'b', ttlMs: 400 });
    const first = await a.acquire();
    expect(first).toBe(1);
    expect(await b.acquire()).toBeUndefined();
    expect(await a.renew()).toBe(true);
    expect(await client.get('unit:lease')).toBe('a#1');
    // a "dies": it never renews again. The lease expires and b takes it.
    let second: number | undefined;
    await eventually(async () => (second = await b.acquire()) !== undefined, 'b takes the expired lease');
    expect(second).toBeGreaterThan(first as number);
    // The stale holder learns it lost the lease, and its release leaves b's lease alone.
    expect(await a.renew()).toBe(false);
    await a.release();
    expect(await client.get('unit:lease')).toBe(`b#${second}`);
    await b.release();
    expect(await client.get('unit:lease')).toBeNull();
  });

  it('runs the work on one leader, and moves it when the leader stops (released at once)', async () => {
    const running: string[] = [];
    const leader = (name: string) =>
      new LeaseLeader({
        lease: new Lease({ redis: client, key: 'unit:leader', owner: name, ttlMs: 30_000 }),
        what: 'unit work',
        log: silentLogger,
        intervalMs: 50,
        ttlMs: 30_000,
        onAcquired: async () => void running.push(name),
        onLost: async () => void running.splice(running.indexOf(name), 1),
      });
    const [x, y] = [leader('x'), leader('y')];
    x.start();
    await eventually(() => x.isHolder, 'x leads');
    y.start();
    // y has tried (and failed) to take it at least once: its attempts hit Redis right after start.
    await eventually(async () => Number(await client.get('unit:leader:fence')) >= 2, 'y tried');
    expect(running).toEqual(['x']);
    // A 30 s lease: y can take over this fast only because x released it.
    await x.stop();
    await eventually(() => y.isHolder, 'y leads');
    expect(running).toEqual(['y']);
    await y.stop();
    expect(running).toEqual([]);
  });

  it('stops the work when Redis stays unreachable for a whole lease life (the lease has expired for the others)', async () => {
    const own = await startRedis();
    // As cluster mode connects for leases: commands fail at once instead of queueing through the outage.
    const conn = new Redis(own.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 200 });
    conn.on('error', () => undefined);
    let working = false;
    const leader = new LeaseLeader({
      lease: new Lease({ redis: conn, key: 'unit:outage', owner: 'x', ttlMs: 600 }),
      what: 'unit work',
      log: silentLogger,
      intervalMs: 100,
      ttlMs: 600,
      onAcquired: async () => void (working = true),
      onLost: async () => void (working = false),
    });
    try {
      leader.start();
      await eventually(() => working, 'x works');
      await own.stop();
      await eventually(() => !working, 'x stops once its lease must have expired');
      expect(leader.isHolder).toBe(false);
    } finally {
      await leader.stop().catch(() => undefined);
      conn.disconnect();
    }
  });
});

/** Speaks the slice of the Baileys socket Parley uses. */
class FakeSocket {
  readonly ev = new EventEmitter();
  readonly sent: { jid: string; text: string }[] = [];
  constructor(
    readonly node: string,
    readonly auth: AuthenticationState,
  ) {}
  async sendMessage(jid: string, content: { text: string }) {
    this.sent.push({ jid, text: content.text });
    return { key: { id: `BAE5${this.node}${this.sent.length}`, remoteJid: jid, fromMe: true } } as WAMessage;
  }
  async sendPresenceUpdate() {}
  end() {}
  open() {
    this.ev.emit('connection.update', { connection: 'open' });
  }
}

run('WhatsApp Web (Baileys) under the lease, two nodes', () => {
  let dataDir: string;
  const sockets: FakeSocket[] = [];
  const nodes: Record<string, TestParley> = {};
  const factory =
    (node: string): SocketFactory =>
    (opts) => {
      const s = new FakeSocket(node, opts.auth);
      sockets.push(s);
      return s as unknown as BaileysSocket;
    };
  const start = (node: string) =>
    startParley(
      { WHATSAPP_WEB_ENABLED: 'true', REDIS_URL: redis.url, PARLEY_DATA_DIR: dataDir, PARLEY_NODE_NAME: node, JOBS_ENABLED: 'false' },
      { plugins: pluginsWithBaileys({ socketFactory: factory(node), sleep: async () => undefined }) },
    );
  const web = async (app: TestParley) => ((await (await opsGet(`${app.url}/health`)).json()) as { whatsapp: { web: string } }).whatsapp.web;
  const adapterOf = (app: TestParley) => app.parley.plugins.find((p) => p.name === 'whatsapp')?.adapters?.[0] as ChannelAdapter;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-leases-'));
    nodes.a = await start('node-a');
    nodes.b = await start('node-b');
  });
  afterAll(async () => {
    for (const app of Object.values(nodes)) await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one node holds the socket; the other relays its sends to it; the socket moves when the holder stops', async () => {
    await eventually(() => sockets.length > 0, 'a node opens the WhatsApp Web socket');
    const holderName = (sockets[0] as FakeSocket).node;
    const [holder, other] = holderName === 'node-a' ? [nodes.a as TestParley, nodes.b as TestParley] : [nodes.b as TestParley, nodes.a as TestParley];
    const socket = sockets[0] as FakeSocket;
    socket.open();
    await eventually(async () => (await web(holder)) === 'connected', 'the holder connected');
    expect(await web(other)).toBe('on another node');

    // A candidate writes; whichever node runs the turn, the reply leaves through the one socket.
    socket.ev.emit('messages.upsert', { messages: [fixture<WAMessage>('whatsapp/baileys/text.json')], type: 'notify' });
    await eventually(() => socket.sent.some((m) => /agree to continue/.test(m.text)), 'the consent question, through the holder socket');

    // A send made on the other node reaches the holder's socket, and its result comes back.
    const conversation = await other.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
    const [stored] = (await other.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'out');
    const result = await adapterOf(other).send(conversation!.ref, { text: 'Sent from the other node' }, { message: stored! });
    expect(socket.sent.at(-1)).toEqual({ jid: '4915112345678@s.whatsapp.net', text: 'Sent from the other node' });
    expect(result).toEqual({ providerMessageId: `BAE5${holderName}${socket.sent.length}` });
    expect(sockets).toHaveLength(1);

    // The holder stops (its lease released): the other node opens the socket and sends itself.
    await holder.stop();
    delete nodes[holderName === 'node-a' ? 'a' : 'b'];
    await eventually(() => sockets.length === 2, 'the other node opens the socket', 30_000);
    const moved = sockets[1] as FakeSocket;
    expect(moved.node).not.toBe(holderName);
    moved.open();
    await eventually(async () => (await web(other)) === 'connected', 'the new holder connected');
    await adapterOf(other).send(conversation!.ref, { text: 'After the failover' }, { message: stored! });
    expect(moved.sent.map((m) => m.text)).toEqual(['After the failover']);
  });
});
