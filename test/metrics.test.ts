/**
 * Prometheus metrics as operators read them from /metrics: issue 19's product metrics driven by a
 * web chat candidate and a console operator through their real entry points, and the store and
 * Redis probes behind the cluster's alerts, with the real SQLite store and a real redis-server
 * taken down under them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { createMetrics } from '../bin/metrics.js';
import { InProcessEventBus } from '../core/engine/index.js';
import { silentLogger, systemClock } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, opsGet, startParley, type TestParley } from './support/harness.js';
import { hasRedisServer, startRedis } from './support/redis.js';
import { runScriptedInterview } from './support/scripted-interview.js';
import { requireSystemPackage } from './support/system-deps.js';

const PASSWORD = 'correct-horse-battery';

/** The sum of a metric's samples whose labels include `labels` (every sample carries `node`). */
function value(page: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of page.split('\n')) {
    const m = /^([^{\s]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (!Object.entries(labels).every(([k, v]) => m[2]!.split(',').includes(`${k}="${v}"`))) continue;
    found = true;
    sum += Number(m[3]);
  }
  if (!found) throw new Error(`no sample of ${name} ${JSON.stringify(labels)} in:\n${page.split('\n').filter((l) => l.startsWith(name)).join('\n')}`);
  return sum;
}

describe('product metrics follow what candidates and operators do', () => {
  let app: TestParley;
  let admin: ConsoleClient;
  const scrape = async () => (await opsGet(`${app.url}/metrics`)).text();

  beforeAll(async () => {
    app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, PARLEY_NODE_NAME: 'node-m' });
    admin = await ConsoleClient.connect(app.url, (await login(app.url, 'admin@acme.test', PASSWORD)).token);
  });
  afterAll(async () => {
    admin?.close();
    await app?.stop();
  });

  it('counts an interview started and completed, the funnel stage it reached, and the delay of every message', async () => {
    const before = await scrape();
    expect(value(before, 'parley_funnel_candidates', { stage: 'assessed' })).toBe(0);
    expect(before).not.toMatch(/^parley_interviews_(started|completed)_total\{/m);

    await runScriptedInterview(app.url, { name: 'Sara Strong', roleTitle: 'Python Developer', policy: 'strong' });
    await app.parley.engine.idle();
    const after = await scrape();
    expect(value(after, 'parley_interviews_started_total', { role: 'python', node: 'node-m' })).toBe(1);
    expect(value(after, 'parley_interviews_completed_total')).toBe(1);
    expect(after).toMatch(/^parley_interviews_completed_total\{recommendation="(strong-yes|yes)",node="node-m"\} 1$/m);
    expect(value(after, 'parley_funnel_candidates', { stage: 'assessed' })).toBe(1);
    // One delay observed per processed candidate message: greeting, consent, name, role and every answer.
    const accepted = value(after, 'parley_inbound_messages_total', { outcome: 'accepted' });
    expect(accepted).toBeGreaterThanOrEqual(12);
    expect(value(after, 'parley_message_processing_delay_seconds_count')).toBe(accepted);
    expect(value(after, 'parley_message_processing_delay_seconds_bucket', { le: '+Inf' })).toBe(accepted);
  });

  it('counts a takeover, the operator\'s first response time and the handback', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    const before = await scrape();
    expect(value(before, 'parley_operator_first_response_seconds_count')).toBe(0);

    const openedAt = Date.now();
    await admin.ok('takeover', { conversationId: c.conversationId });
    await c.waitForBot(/has joined the chat/);
    await admin.ok('message:send', { conversationId: c.conversationId, text: 'Hi, this is the recruiting team.' });
    const answeredWithin = (Date.now() - openedAt) / 1000;
    await c.waitForBot(/this is the recruiting team/);
    // A second message in the same takeover is not a first response.
    await admin.ok('message:send', { conversationId: c.conversationId, text: 'Any questions?' });
    await c.waitForBot(/Any questions\?/);
    await admin.ok('handback', { conversationId: c.conversationId });
    await app.parley.engine.idle();

    const after = await scrape();
    expect(value(after, 'parley_takeovers_total') - value(before, 'parley_takeovers_total')).toBe(1);
    expect(value(after, 'parley_handbacks_total') - value(before, 'parley_handbacks_total')).toBe(1);
    expect(value(after, 'parley_operator_first_response_seconds_count')).toBe(1);
    const waited = value(after, 'parley_operator_first_response_seconds_sum');
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThanOrEqual(answeredWithin);
  });

  it('counts a needs-human alert when a candidate asks for a person', async () => {
    const before = value(await scrape(), 'parley_alerts_total', { kind: 'needs-human' });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await c.say('/human');
    await eventually(async () => value(await scrape(), 'parley_alerts_total', { kind: 'needs-human' }) === before + 1, 'the needs-human alert to be counted');
    await app.parley.engine.idle();
    expect(value(await scrape(), 'parley_alerts_total', { kind: 'at-risk' })).toBe(0);
  });
});

const redisOk = requireSystemPackage('redis-server', hasRedisServer(), 'apt-get install redis-server');
(redisOk ? describe : describe.skip)('store and Redis probes (what the connection alerts read)', () => {
  it('report up while they answer, and down with a failure count once they stop', async () => {
    const redis = await startRedis();
    const store = SqliteStore.open(':memory:');
    const metrics = createMetrics(() => 0);
    const stop = metrics.observe({ bus: new InProcessEventBus(), store, clock: systemClock, log: silentLogger, redisUrl: redis.url });
    try {
      const node = `${hostname()}-${process.pid}`;
      await eventually(async () => value(await metrics.registry.metrics(), 'parley_redis_up', { node }) === 1, 'Redis to answer the probe');
      let page = await metrics.registry.metrics();
      expect(value(page, 'parley_store_up', { node })).toBe(1);
      expect(value(page, 'parley_store_ping_failures_total')).toBe(0);
      expect(value(page, 'parley_redis_connection_errors_total')).toBe(0);

      await redis.stop();
      await eventually(async () => value(await metrics.registry.metrics(), 'parley_redis_connection_errors_total') > 0, 'the Redis connection errors to be counted');
      expect(value(await metrics.registry.metrics(), 'parley_redis_up')).toBe(0);

      await store.close();
      page = await metrics.registry.metrics();
      expect(value(page, 'parley_store_up')).toBe(0);
      expect(value(page, 'parley_store_ping_failures_total')).toBe(1);
      expect(value(await metrics.registry.metrics(), 'parley_store_ping_failures_total')).toBe(2);
    } finally {
      await stop();
      await redis.stop();
      await store.close();
    }
  });
});
