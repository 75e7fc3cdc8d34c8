/**
 * Risk after a burst of messages, on the real app (web chat over Socket.IO, SQLite, Agenda in
 * SQLite) with a controllable clock: the first message after a quiet spell is scored at once, the
 * rest of the burst waits for one assessment at the end of the debounce window, and that one
 * still raises the at-risk alert.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import type { AgendaScheduler } from '../jobs/index.js';
import { RISK_DEBOUNCE_MS } from '../jobs/risk/index.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const JOB_ENV = { JOBS_PROCESS_EVERY_MS: '50', JOBS_LOCK_LIFETIME_MS: '1000' };

describe('risk debounce', () => {
  let app: TestParley | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('a burst of messages is scored twice, and its at-risk alert is raised when the window ends', async () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    app = await startParley(JOB_ENV, { clock });
    const { parley } = app;
    const notifications: { kind: string; conversationId: string }[] = [];
    const consoleNotify = parley.services.notifyOperators;
    parley.services.notifyOperators = async (n) => {
      notifications.push(n);
      await consoleNotify?.(n);
    };
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await parley.engine.idle();
    const candidateId = (await parley.store.getConversation(c.conversationId))!.candidateId;
    const events = (type: 'RiskAssessed' | 'CandidateAtRisk') => parley.store.listEvents({ candidateId, types: [type] });
    // The first message after a quiet spell is scored at once, as before.
    expect((await events('RiskAssessed')).map((e) => e.type === 'RiskAssessed' && e.level)).toEqual(['low']);

    // The burst, at the same domain time: it waits for one assessment at the end of the window.
    await c.ask('yes', /What is your name\?/);
    for (const text of ['Honestly I took another job last week', 'so this is not worth my time', 'sorry']) {
      const from = c.received.length;
      await c.say(text);
      await c.waitForBot(/./, { from });
    }
    await parley.engine.idle();
    const scheduler = parley.services.scheduler as AgendaScheduler;
    expect(await scheduler.dueAt(`risk:${candidateId}`)).toEqual(new Date(clock.now().getTime() + RISK_DEBOUNCE_MS));
    expect(await events('RiskAssessed')).toHaveLength(1);
    expect(await events('CandidateAtRisk')).toHaveLength(0);

    clock.advance(RISK_DEBOUNCE_MS);
    await eventually(async () => (await events('CandidateAtRisk')).length === 1, 'the burst to be scored at the end of the window');
    const assessed = await events('RiskAssessed');
    expect(assessed.map((e) => e.type === 'RiskAssessed' && e.level)).toEqual(['low', 'high']);
    const last = assessed.at(-1);
    expect(last?.type === 'RiskAssessed' && last.factors.map((f) => f.name)).toContain('disengagement');
    await eventually(() => notifications.some((n) => n.kind === 'at-risk' && n.conversationId === c.conversationId), 'the at-risk alert to reach the console');
    c.close();
  }, 60_000);
});
