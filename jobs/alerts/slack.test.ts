import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ProviderError } from '../../core/domain/index.js';
import { silentLogger } from '../../core/ports/index.js';
import { SlackWebhook } from './slack.js';

const HOOK = 'https://hooks.slack.test';
const PATH = '/services/T1/B1/abc';

describe('SlackWebhook', () => {
  const slept: number[] = [];
  const slack = () => new SlackWebhook({ url: `${HOOK}${PATH}`, log: silentLogger, backoff: { maxAttempts: 4, baseMs: 100, maxMs: 10_000 }, sleep: async (ms) => void slept.push(ms), random: () => 1 });

  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    slept.length = 0;
  });

  it('posts the text as JSON', async () => {
    const scope = nock(HOOK).post(PATH, { text: 'Candidate at risk: Ana' }).matchHeader('content-type', 'application/json').reply(200, 'ok');
    await slack().post('Candidate at risk: Ana');
    expect(scope.isDone()).toBe(true);
    expect(slept).toEqual([]);
  });

  it('retries 429 (honouring Retry-After) and 5xx with backoff, then delivers once', async () => {
    const bodies: unknown[] = [];
    nock(HOOK)
      .post(PATH, (b) => (bodies.push(b), true))
      .reply(429, 'rate_limited', { 'retry-after': '2' })
      .post(PATH, (b) => (bodies.push(b), true))
      .reply(503, 'service_unavailable')
      .post(PATH, (b) => (bodies.push(b), true))
      .reply(200, 'ok');
    await slack().post('hello');
    expect(bodies).toHaveLength(3);
    expect(slept).toEqual([2000, 200]);
  });

  it('gives up after the last attempt, and at once on a permanent error', async () => {
    nock(HOOK).post(PATH).times(4).reply(500, 'oops');
    await expect(slack().post('x')).rejects.toMatchObject({ status: 500, permanent: false });
    expect(slept).toHaveLength(3);

    slept.length = 0;
    nock(HOOK).post(PATH).reply(404, 'no_service');
    const err = await slack().post('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status: 404, permanent: true, message: 'slack: webhook answered 404 no_service' });
    expect(slept).toEqual([]);
  });
});
