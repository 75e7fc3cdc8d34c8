import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '../domain/index.js';
import { InProcessEventBus } from './event-bus.js';

const event = { id: 'evt_1', type: 'HumanRequested', at: new Date(), actor: 'candidate', conversationId: 'conv_1', reason: 'asked' } as unknown as DomainEvent;

describe('InProcessEventBus', () => {
  it('idle() waits for every subscriber\'s reaction, follow-ups included, and reports failures once', async () => {
    const failures: [string, string | undefined][] = [];
    const bus = new InProcessEventBus(undefined, (err, d) => failures.push([String(err), d.conversationId]));
    const done: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe(async () => {
      await gate;
      done.push('slow');
    });
    bus.subscribe(() => done.push('sync'));
    bus.subscribe(async () => {
      throw new Error('console store is down');
    });
    bus.subscribe(() => {
      throw new Error('bad subscriber');
    });
    bus.publish(event);
    expect(bus.busy()).toBe(true);
    const idle = bus.idle().then(() => done.push('idle'));
    release();
    await idle;
    expect(done).toEqual(['sync', 'slow', 'idle']);
    expect(bus.busy()).toBe(false);
    expect(failures.sort()).toEqual([
      ['Error: bad subscriber', 'conv_1'],
      ['Error: console store is down', 'conv_1'],
    ]);
  });
});
