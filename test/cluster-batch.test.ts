/**
 * Batched console pushes (issue 13) across nodes: two real Parley processes on one SQLite file and
 * one redis-server. An operator socket that opted in (`auth.batch`) on node A gets a web chat
 * candidate's messages inside `batch` events, whichever node the candidate is on and ran the turn
 * (the batched rooms fan out through the Redis adapter like the plain ones, also from a node where
 * no batched socket is); plain sockets on both nodes still get them one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addOperator, SqliteOperatorStore } from '../operator-console/index.js';
import { login } from '../operator-console/testing.js';
import { CHILD_TEST_TIMEOUT_MS } from './support/child.js';
import { startCluster, type ClusterNode, type TestCluster } from './support/cluster.js';
import { connectRecorder, type Recorder } from './support/console-recorder.js';
import { eventually } from './support/harness.js';
import { hasRedisServer, REDIS_MISSING } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

const run = requireSystemPackage('redis-server', hasRedisServer(), REDIS_MISSING) ? describe : describe.skip;
/** Pushes cross processes and Redis on a loaded machine: generous, and only ever waited on a marker. */
const PUSH_MS = 60_000;
const ANA = { email: 'ana@acme.test', password: 'correct-horse-battery' };


let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;
const sockets: { close(): void }[] = [];

beforeAll(async () => {
  cluster = await startCluster({ env: { CONSOLE_SESSION_RECHECK_SEC: '3600' } });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  await addOperator(new SqliteOperatorStore(cluster.store().database), { email: ANA.email, name: 'Ana Recruiter', role: 'recruiter', password: ANA.password }, new Date());
}, CHILD_TEST_TIMEOUT_MS);
afterAll(async () => {
  for (const s of sockets) s.close();
  await cluster?.stop();
}, CHILD_TEST_TIMEOUT_MS);

async function connect(node: ClusterNode, token: string, batch: boolean): Promise<Recorder> {
  const r = await connectRecorder(node.url, token, batch);
  sockets.push(r.socket);
  return r;
}

/** The texts of the conversation's message pushes, first receipt of each message, in order. */
function texts(r: Recorder, conversationId: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [event, p] of r.pushes) {
    const m = p as { id: string; conversationId: string; text: string };
    if (event !== 'message' || m.conversationId !== conversationId || seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m.text);
  }
  return out;
}

run('cluster fan-out: batched console pushes', () => {
  it(
    'an operator who opted in on node A gets a candidate on node B live, in batches; plain sockets on both nodes one by one',
    async () => {
      const { token } = await login(a.url, ANA.email, ANA.password);
      // Node B has no batched socket: what B emits reaches A's batched one only through Redis.
      const batchedA = await connect(a, token, true);
      const plainA = await connect(a, token, false);
      const plainB = await connect(b, token, false);
      const c = await cluster.chat(b);
      sockets.push(c);
      await c.ask('hi', /Do you agree to continue\?/);
      await c.ask('yes', /What is your name\?/);

      const all = [batchedA, plainA, plainB];
      const expected = [/^hi$/, /^yes$/, /Do you agree to continue\?/, /What is your name\?/];
      const complete = (r: Recorder) => expected.every((re) => texts(r, c.conversationId).some((t) => re.test(t)));
      await eventually(() => all.every(complete), 'the four messages pushed to every console socket', PUSH_MS);
      // Pushes emitted on different nodes have no order between them (batched or not: each node's
      // own go out first there); those of one node keep theirs. Every socket gets every message.
      for (const r of all) {
        expect(new Set(texts(r, c.conversationId))).toEqual(new Set(texts(plainA, c.conversationId)));
        expect(r.pushes.some(([event, s]) => event === 'conversation:upsert' && (s as { id: string }).id === c.conversationId)).toBe(true);
      }
      expect([...new Set(batchedA.packets.map(([event]) => event))].sort()).toEqual(['batch', 'hello']);
      for (const r of [plainA, plainB]) expect(r.packets.some(([event]) => event === 'batch')).toBe(false);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
