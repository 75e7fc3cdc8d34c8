import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHILD_TEST_TIMEOUT_MS } from './support/child.js';
import { startCluster, type ClusterNode, type TestCluster } from './support/cluster.js';
import { eventually } from './support/harness.js';
import { hasRedisServer, REDIS_MISSING } from './support/redis.js';
import { requireSystemPackage } from './support/system-deps.js';

const run = requireSystemPackage('redis-server', hasRedisServer(), REDIS_MISSING) ? describe : describe.skip;

const CANDIDATES = 60;
/** Each candidate's replies: greeting + consent after "hi", the name question after "Yes, continue". */
const REPLIES_EACH = 3;
/** Jobs a node runs at once (CLUSTER_CONCURRENCY): the most sends it can have in flight when killed. */
const CONCURRENCY = 8;
const CONSENT = /Do you agree to continue\?/;
const NAME_QUESTION = /What is your name\?/;

run('cluster mode: kill -9 of one node under load', () => {
  let cluster: TestCluster;
  let a: ClusterNode;
  let b: ClusterNode;
  beforeAll(async () => {
    // Short takeover times so the test does not wait the production 30 s stalled check.
    cluster = await startCluster({ env: { CLUSTER_STALLED_INTERVAL_MS: '1500', CLUSTER_LOCK_TTL_MS: '2000', CLUSTER_CONCURRENCY: String(CONCURRENCY) } });
    [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  }, CHILD_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.stop();
  }, CHILD_TEST_TIMEOUT_MS);

  it('loses no message: the surviving node finishes the dead node’s turns and sends, with at most one duplicate per send in flight', async () => {
    const chatIds = Array.from({ length: CANDIDATES }, (_, i) => 840_000_000 + i);
    // Every webhook answered 200 (stored and queued) before the kill; half went to node B.
    for (let i = 0; i < chatIds.length; i += 20) {
      await Promise.all(
        chatIds.slice(i, i + 20).map(async (chatId, k) => {
          const node = (i + k) % 2 === 0 ? a : b;
          expect(await cluster.telegram(node, chatId).send('text', { text: 'hi', messageId: 1 })).toBe(200);
          expect(await cluster.telegram(node, chatId).send('text', { text: 'Yes, continue', messageId: 2 })).toBe(200);
        }),
      );
    }
    const sent = () => cluster.fake.callsTo('sendMessage').filter((c) => c.status === 200).length;
    // Under load: the bot's limit (25/s) spreads the 180 sends over ~7 s; kill B a little way in.
    await eventually(() => sent() >= 20, 'sends under way', 120_000);
    await b.kill();
    const atKill = sent();
    expect(atKill).toBeLessThan(CANDIDATES * REPLIES_EACH);

    const store = cluster.store();
    await eventually(async () => {
      const [inbound, outbound] = await Promise.all([store.statusCounts('in'), store.statusCounts('out')]);
      return inbound.pending === undefined && outbound.queued === undefined && outbound.sending === undefined;
    }, 'node A to finish every turn and send', 150_000);

    for (const chatId of chatIds) {
      const texts = cluster.fake.sentTo(chatId).map((r) => r.text);
      expect({ chatId, consent: texts.some((t) => CONSENT.test(t)), name: texts.some((t) => NAME_QUESTION.test(t)) }).toEqual({ chatId, consent: true, name: true });
      // A duplicate is a send that was at the provider when B died: resent once, never more.
      const counts = new Map<string, number>();
      for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    }
    const duplicates = cluster.fake.callsTo('sendMessage').filter((c) => c.status === 200).length - CANDIDATES * REPLIES_EACH;
    expect(duplicates).toBeGreaterThanOrEqual(0);
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    const failed = (await store.listEvents({ types: ['TurnFailed', 'MessageFailed'] })).length;
    expect(failed).toBe(0);
    // B's jobs, left active at the kill, are taken over by A's stalled check and end (as no-ops:
    // A already ran their rows under the conversations' locks).
    await eventually(async () => {
      const { queues } = (await a.health()) as { queues: { turns: { active: number; waiting: number }; outbound: { active: number; waiting: number } } };
      return queues.turns.active + queues.turns.waiting + queues.outbound.active + queues.outbound.waiting === 0;
    }, "B's jobs taken over", 60_000);
    expect(await a.health()).toMatchObject({ node: 'node-a', queues: { turns: { failed: 0 }, outbound: { failed: 0 } } });
    console.log(`kill -9 under load: ${atKill} of ${CANDIDATES * REPLIES_EACH} sends done at the kill, ${duplicates} duplicate(s) after it`);
  }, CHILD_TEST_TIMEOUT_MS + 60_000);
});
