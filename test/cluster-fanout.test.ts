/**
 * Two real Parley processes (`parley start`) on one SQLite file and one redis-server, in cluster
 * mode: what an operator and a candidate see does not depend on which node they are connected
 * to, or which node ran the turn. Then the Telegram long-polling lease: exactly one node polls,
 * and after a `kill -9` of that node the other takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { addOperator, SqliteOperatorStore } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { TelegramChat } from './fakes/telegram-bot-api.js';
import { CHILD_TEST_TIMEOUT_MS } from './support/child.js';
import { startCluster, type ClusterNode, type TestCluster } from './support/cluster.js';
import { eventually } from './support/harness.js';
import { hasRedisServer, REDIS_MISSING } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

const run = requireSystemPackage('redis-server', hasRedisServer(), REDIS_MISSING) ? describe : describe.skip;
const ANA = { email: 'ana@acme.test', password: 'correct-horse-battery' };
const BO = { email: 'bo@acme.test', password: 'correct-horse-battery' };
/** Pushes cross processes and Redis on a loaded machine: generous, and only ever waited on a marker. */
const PUSH_MS = 60_000;

let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;
let token: string;
const clients: { close(): void }[] = [];
/** getUpdates calls that arrived while another was still open (Telegram answers those 409). */
let overlappingPolls = 0;

beforeAll(async () => {
  cluster = await startCluster({
    // Long polling (no webhook): the lease decides which node polls. A short poll keeps failover quick.
    // The periodic session re-check out of the way: a sign-out must reach other nodes by itself.
    env: { TELEGRAM_MODE: 'polling', TELEGRAM_POLL_TIMEOUT_SEC: '2', CONSOLE_SESSION_RECHECK_SEC: '3600' },
  });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  // Written to the shared file from here, as the operators CLI would from a third process.
  await addOperator(new SqliteOperatorStore(cluster.store().database), { email: ANA.email, name: 'Ana Recruiter', role: 'recruiter', password: ANA.password }, new Date());
  await addOperator(new SqliteOperatorStore(cluster.store().database), { email: BO.email, name: 'Bo Recruiter', role: 'recruiter', password: BO.password }, new Date());
  token = (await login(a.url, ANA.email, ANA.password)).token;
  // Count long polls open at once, as Telegram does (by request, until its response closes).
  let open = 0;
  (cluster.fake as unknown as { server: Server }).server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.endsWith('/getUpdates')) return;
    if (++open > 1) overlappingPolls++;
    res.once('close', () => open--);
  });
}, CHILD_TEST_TIMEOUT_MS);
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
}, CHILD_TEST_TIMEOUT_MS);

async function operatorOn(node: ClusterNode): Promise<ConsoleClient> {
  const op = await ConsoleClient.connect(node.url, token);
  clients.push(op);
  return op;
}

run('cluster fan-out: console and web chat across nodes', () => {
  it(
    'an operator on node A sees, live, a web chat candidate connected to node B, and the candidate gets every reply',
    async () => {
      const op = await operatorOn(a);
      const c = await cluster.chat(b);
      clients.push(c);
      // Whichever node runs the turn, one side of this crosses nodes: the reply to B's socket or the push to A's.
      await c.ask('hi', /Do you agree to continue\?/);
      await op.waitFor('message', (m) => m.conversationId === c.conversationId && m.author === 'candidate' && m.text === 'hi', PUSH_MS);
      await op.waitFor('message', (m) => m.conversationId === c.conversationId && m.author === 'bot' && /Do you agree/.test(m.text), PUSH_MS);
      await op.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.channel === 'webchat', PUSH_MS);
      await c.ask('yes', /What is your name\?/);
      await op.waitFor('message', (m) => m.conversationId === c.conversationId && /What is your name/.test(m.text), PUSH_MS);
    },
    CHILD_TEST_TIMEOUT_MS,
  );

  it(
    'takeover on node A silences the bot for a candidate on node B at once; handback on node B resumes it',
    async () => {
      const c = await cluster.chat(b);
      clients.push(c);
      await c.ask('hi', /Do you agree to continue\?/);
      await c.ask('yes', /What is your name\?/);
      const opA = await operatorOn(a);
      await opA.ok('takeover', { conversationId: c.conversationId });
      await c.waitForBot(/has joined the chat\.$/, { timeoutMs: PUSH_MS });
      const takenAt = new Date();

      const from = c.received.length;
      expect(await c.say('Is the job remote?')).toMatchObject({ ok: true });
      // The turn is committed once the message shows as processed: a bot reply would have been stored with it.
      await opA.waitFor('message', (m) => m.conversationId === c.conversationId && m.text === 'Is the job remote?' && m.status === 'processed', PUSH_MS);
      const after = (await cluster.store().listMessages(c.conversationId)).filter((m) => m.direction === 'out' && m.createdAt >= takenAt);
      expect(after.filter((m) => m.author === 'bot' && m.status !== 'suppressed')).toEqual([]);

      // The recruiter's words reach the candidate under their name, whichever node sent the join notice.
      await opA.ok('message:send', { conversationId: c.conversationId, text: 'Yes, fully remote.' });
      const relayed = await c.waitForBot(/^Yes, fully remote\.$/, { from, timeoutMs: PUSH_MS });
      expect(relayed).toMatchObject({ author: 'operator', authorName: 'Ana Recruiter' });

      const opB = await operatorOn(b);
      await opB.ok('handback', { conversationId: c.conversationId });
      await opA.waitFor('handback', (h) => h.conversationId === c.conversationId, PUSH_MS);
      await c.waitForBot(/What is your name\?$/, { from, timeoutMs: PUSH_MS });
      expect(c.received.slice(from).filter((m) => m.author !== 'candidate').map((m) => m.text)).toEqual(['Yes, fully remote.', expect.stringMatching(/has left the chat/), expect.stringMatching(/What is your name\?$/)]);
      await c.ask('My name is Lee Park', /Nice to meet you, Lee Park!/);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});

run('cluster fan-out: operator sessions', () => {
  it(
    'signing out on node A closes the console open on node B at once',
    async () => {
      const boToken = (await login(a.url, BO.email, BO.password)).token;
      const onB = await ConsoleClient.connect(b.url, boToken);
      clients.push(onB);
      expect((await api(a.url, boToken, '/auth/logout', { method: 'POST' })).status).toBe(204);
      await onB.waitFor('session:expired', () => true, PUSH_MS);
      await eventually(() => onB.socket.disconnected, 'the socket on node B closed', PUSH_MS);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});

run('cluster singletons: Telegram long polling', () => {
  const poller = async (): Promise<ClusterNode[]> => {
    const health = await Promise.all(cluster.nodes.filter((n) => n.child.proc.exitCode === null && n.child.proc.signalCode === null).map(async (n) => [n, await n.health()] as const));
    return health.filter(([, h]) => (h.telegram as { polling?: string } | undefined)?.polling === 'this node').map(([n]) => n);
  };

  it(
    'exactly one node polls; after kill -9 of that node the other takes over and answers',
    async () => {
      await eventually(async () => (await poller()).length === 1, 'one node holds the polling lease', PUSH_MS);
      const holder = (await poller())[0] as ClusterNode;
      const chat = new TelegramChat(cluster.fake, 'polling', 730_000_001);
      await chat.send('text', { text: 'hi' });
      await eventually(() => chat.replies.some((r) => /Do you agree/.test(r.text)), 'the reply to the first update', PUSH_MS);

      await holder.kill();
      // Gone for good: the cluster's stop() has nothing left to stop here.
      cluster.nodes.splice(cluster.nodes.indexOf(holder), 1);
      const survivor = holder === a ? b : a;
      await eventually(async () => (await poller()).includes(survivor), 'the survivor takes the polling lease', PUSH_MS);
      const next = new TelegramChat(cluster.fake, 'polling', 730_000_002);
      await next.send('text', { text: 'hi' });
      await eventually(() => next.replies.some((r) => /Do you agree/.test(r.text)), 'the reply after failover', PUSH_MS);
      // Never two pollers at once (Telegram would answer the second with 409 Conflict).
      expect(overlappingPolls).toBe(0);
      expect(chat.replies.filter((r) => /Do you agree/.test(r.text))).toHaveLength(1);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
