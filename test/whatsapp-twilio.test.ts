/**
 * WhatsApp through Twilio: signed form posts at the real webhook, the REST API faked with nock
 * on TWILIO_API_BASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ManualClock } from '../core/ports/index.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { fakeTwilioSends, nockLoopbackOnly, postTwilio, TWILIO_ACCOUNT_SID, twilioSignature } from './support/whatsapp-webhooks.js';

const SID = TWILIO_ACCOUNT_SID;
const TOKEN = 'twilio-auth-token';
const PUBLIC = 'https://parley.example.com';
const API = 'http://twilio.test';
const MESSAGES = `/2010-04-01/Accounts/${SID}/Messages.json`;
const env = {
  PUBLIC_URL: PUBLIC,
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_WHATSAPP_FROM: '+14155238886',
  TWILIO_API_BASE_URL: API,
  TWILIO_TEMPLATE_CONTENT_SID: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
};

let app: TestParley;
let clock: ManualClock;
let sent: URLSearchParams[];

const sign = (path: string, params: Record<string, string>, token = TOKEN) => twilioSignature(token, PUBLIC, path, params);
const post = (path: string, params: Record<string, string>, signature: string | null = sign(path, params)) => postTwilio(app.url, path, params, { signature });
const apiAccepts = (times = 50) => fakeTwilioSends(API, SID, sent, { times });

nockLoopbackOnly();
beforeEach(async () => {
  sent = [];
  clock = new ManualClock(new Date('2026-01-01T10:00:00Z'));
  app = await startParley(env, { clock });
});
afterEach(async () => {
  await app.stop();
  nock.cleanAll();
});

const conversation = () => app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });

describe('Twilio WhatsApp webhook', () => {
  it('accepts a signed message and replies through the Messages API from the configured sender', async () => {
    apiAccepts();
    const res = await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json'));
    expect(res.status).toBe(200);
    await eventually(() => sent.some((f) => /agree to continue/.test(f.get('Body') ?? '')), 'the consent question');
    const consent = sent.find((f) => /agree to continue/.test(f.get('Body') ?? ''))!;
    expect(consent.get('To')).toBe('whatsapp:+4915112345678');
    expect(consent.get('From')).toBe('whatsapp:+14155238886');
    expect(consent.get('Body')).toMatch(/1\. Yes, continue\n2\. No$/);
    expect(consent.get('StatusCallback')).toBe(`${PUBLIC}/webhooks/twilio/whatsapp/status`);
    expect((await conversation())?.ref.provider).toBe('twilio');
  });

  it.each([
    ['forged', (p: Record<string, string>) => sign('/webhooks/twilio/whatsapp', p, 'wrong-token')],
    ['missing', () => null],
    ['stale-body', (p: Record<string, string>) => sign('/webhooks/twilio/whatsapp', { ...p, Body: 'something else' })],
  ])('rejects a %s signature with 403 and stores nothing', async (_label, signature) => {
    const params = fixture<Record<string, string>>('whatsapp/twilio/text.json');
    const res = await post('/webhooks/twilio/whatsapp', params, signature(params));
    expect(res.status).toBe(403);
    expect(await conversation()).toBeUndefined();
  });

  it('stores a duplicate MessageSid once and replies once', async () => {
    apiAccepts();
    await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json'));
    await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json'));
    await eventually(() => sent.some((f) => /agree to continue/.test(f.get('Body') ?? '')), 'the consent question');
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    const messages = await app.parley.store.listMessages((await conversation())!.id);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(sent.filter((f) => /agree to continue/.test(f.get('Body') ?? ''))).toHaveLength(1);
  });

  it('records delivery statuses, including undelivered with the error code', async () => {
    apiAccepts();
    await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json'));
    await eventually(async () => (await app.parley.store.findMessageByProviderId('whatsapp', 'SMout1'))?.status === 'sent', 'first reply sent');
    expect((await post('/webhooks/twilio/whatsapp/status', fixture('whatsapp/twilio/status-delivered.json'))).status).toBe(200);
    expect((await app.parley.store.findMessageByProviderId('whatsapp', 'SMout1'))?.status).toBe('delivered');
    await post('/webhooks/twilio/whatsapp/status', fixture('whatsapp/twilio/status-undelivered.json'));
    expect(await app.parley.store.findMessageByProviderId('whatsapp', 'SMout1')).toMatchObject({ status: 'failed', error: 'undelivered 63024: Invalid message recipient' });
    expect((await post('/webhooks/twilio/whatsapp/status', fixture('whatsapp/twilio/status-delivered.json'), 'forged')).status).toBe(403);
  });
});

describe('Twilio sending', () => {
  async function contact() {
    apiAccepts();
    await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json'));
    await eventually(() => sent.some((f) => /agree to continue/.test(f.get('Body') ?? '')), 'the consent question');
    return (await conversation())!;
  }

  it('sends the approved Content template to a candidate silent for more than 24 hours', async () => {
    const conv = await contact();
    clock.advance(25 * 3_600_000);
    const m = await app.parley.engine.send(conv.id, { text: 'Your interview is tomorrow.\nSee you!' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'sent', 'the template');
    const last = sent.at(-1)!;
    expect(last.get('ContentSid')).toBe('HXb5b62575e6e4ff6129ad7c8efe1f983e');
    expect(JSON.parse(last.get('ContentVariables') ?? '{}')).toEqual({ 1: 'Your interview is tomorrow. / See you!' });
    expect(last.get('Body')).toBeNull();
  });

  it('falls back to the template on error 63016', async () => {
    const conv = await contact();
    nock.cleanAll();
    nock(API).post(MESSAGES, (b: Record<string, string>) => 'Body' in b).reply(400, { code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.', status: 400 });
    apiAccepts();
    const m = await app.parley.engine.send(conv.id, { text: 'Still interested?' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'sent', 'the template');
    expect(sent.at(-1)?.get('ContentSid')).toBe('HXb5b62575e6e4ff6129ad7c8efe1f983e');
    expect(await app.parley.store.listEvents({ conversationId: conv.id, types: ['MessageSentAsTemplate'] })).toHaveLength(1);
  });

  it('retries 429 and 5xx with backoff; a permanent error marks the message failed', async () => {
    const conv = await contact();
    nock.cleanAll();
    nock(API).post(MESSAGES).reply(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    nock(API).post(MESSAGES).reply(503, { code: 20503, message: 'Service Unavailable', status: 503 });
    apiAccepts(1);
    const ok = await app.parley.engine.send(conv.id, { text: 'Retry me' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(ok.id))?.status === 'sent', 'the retried message', 10_000);
    expect((await app.parley.store.getMessage(ok.id))?.attempts).toBe(3);
    nock(API).post(MESSAGES).reply(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
    const bad = await app.parley.engine.send(conv.id, { text: 'Never arrives' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(bad.id))?.status === 'failed', 'the failure');
    expect(await app.parley.store.getMessage(bad.id)).toMatchObject({ attempts: 1, error: expect.stringContaining('21211') });
  });
});

describe('Twilio deliveries the core would refuse as they are (issue 10, item 2)', () => {
  const inbound = async () => (await app.parley.store.listMessages((await conversation())!.id)).filter((m) => m.direction === 'in');

  it('a 20,000-character Body gets 200 and is stored clipped, with a marker and the original length', async () => {
    apiAccepts();
    const body = `Here is my CV. ${'Built and ran Kubernetes clusters. '.repeat(700)}`.slice(0, 20_000);
    const res = await post('/webhooks/twilio/whatsapp', fixture('whatsapp/twilio/text.json', (f) => (f.Body = body)));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<Response/>');
    const [stored] = await inbound();
    expect(stored!.text).toHaveLength(16_000);
    expect(stored!.text.startsWith(body.slice(0, 15_000))).toBe(true);
    expect(stored!.text).toMatch(/\[message clipped: the first 15,9\d\d of 20,000 characters are kept\]$/);
    expect(stored!.clipped).toEqual({ originalLength: 20_000 });
    await eventually(() => sent.some((f) => /agree to continue/.test(f.get('Body') ?? '')), 'the consent question');
  });

  it('a 300-character MessageSid gets 200, is stored under a stable hash, and a redelivery is not stored again', async () => {
    apiAccepts();
    const sid = `SM${'f'.repeat(298)}`;
    const params = fixture<Record<string, string>>('whatsapp/twilio/text.json', (f) => {
      f.MessageSid = sid;
      f.SmsMessageSid = sid;
      f.SmsSid = sid;
    });
    expect((await post('/webhooks/twilio/whatsapp', params)).status).toBe(200);
    expect((await post('/webhooks/twilio/whatsapp', params)).status).toBe(200);
    await eventually(() => sent.some((f) => /agree to continue/.test(f.get('Body') ?? '')), 'the consent question');
    const stored = await inbound();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.providerMessageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sent.filter((f) => /agree to continue/.test(f.get('Body') ?? ''))).toHaveLength(1);
  });
});
