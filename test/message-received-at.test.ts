/**
 * `MessageReceived` carries the message's receipt time (`receivedAt`, its `createdAt`), stored
 * with the event and read back as a Date, so the processing-delay metric observes it without
 * reading the message again (issue 13: one statement less per inbound message). Events recorded
 * before the field was carried still count, from the stored message.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createMetrics } from '../bin/metrics.js';
import type { DomainEvent } from '../core/domain/index.js';
import { InProcessEventBus } from '../core/engine/index.js';
import { silentLogger, type Clock } from '../core/ports/index.js';
import { TestAdapter } from './support/test-adapter.js';

let flow: TestAdapter | undefined;
afterEach(async () => {
  await flow?.close();
  flow = undefined;
});

describe('MessageReceived carries when the message was received', () => {
  it('the turn records receivedAt = the stored message createdAt, read back as a Date', async () => {
    flow = await TestAdapter.start();
    await flow.receive('hi');
    await flow.receive('yes');
    const events = (await flow.raw.listEvents({ types: ['MessageReceived'] })).filter((e): e is Extract<DomainEvent, { type: 'MessageReceived' }> => e.type === 'MessageReceived');
    expect(events).toHaveLength(2);
    for (const e of events) {
      const message = await flow.raw.getMessage(e.messageId);
      expect(e.receivedAt).toBeInstanceOf(Date);
      expect(e.receivedAt).toEqual(message?.createdAt);
    }
  });
});

describe('the processing-delay metric', () => {
  const NOW = new Date('2026-03-01T09:00:10.000Z');
  const clock: Clock = { now: () => new Date(NOW) };
  const received = (id: string, receivedAt?: Date): DomainEvent => ({ id: `evt_${id}`, type: 'MessageReceived', at: NOW, actor: 'candidate', conversationId: 'conv_1', messageId: id, channel: 'webchat', ...(receivedAt ? { receivedAt } : {}) });

  async function observed(events: DomainEvent[], stored: Record<string, Date>) {
    const reads: string[] = [];
    const store = {
      ping: async () => undefined,
      listEvents: async () => [],
      countByStage: async () => ({}),
      getMessage: async (id: string) => {
        reads.push(id);
        return stored[id] ? ({ id, createdAt: stored[id] } as never) : undefined;
      },
    };
    const bus = new InProcessEventBus();
    const metrics = createMetrics(() => 0, { node: 'node-t' });
    const stop = metrics.observe({ bus, store: store as never, clock, log: silentLogger });
    for (const e of events) bus.publish(e);
    await bus.idle();
    await stop();
    const page = await metrics.registry.metrics();
    const sample = (name: string) => Number(new RegExp(`^${name}\\{node="node-t"\\} (\\S+)$`, 'm').exec(page)?.[1]);
    return { reads, count: sample('parley_message_processing_delay_seconds_count'), sum: sample('parley_message_processing_delay_seconds_sum') };
  }

  it('observes the delay from the event, without reading the message', async () => {
    const { reads, count, sum } = await observed([received('m1', new Date(NOW.getTime() - 2500)), received('m2', new Date(NOW.getTime() - 500))], { m1: new Date(0), m2: new Date(0) });
    expect(reads).toEqual([]);
    expect(count).toBe(2);
    expect(sum).toBeCloseTo(3, 6);
  });

  it('reads the message for an event recorded without receivedAt', async () => {
    const { reads, count, sum } = await observed([received('old')], { old: new Date(NOW.getTime() - 4000) });
    expect(reads).toEqual(['old']);
    expect(count).toBe(1);
    expect(sum).toBeCloseTo(4, 6);
  });
});
