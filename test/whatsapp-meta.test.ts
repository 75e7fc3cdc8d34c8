/**
 * WhatsApp through Meta's Cloud API: the real webhook entry point with recorded payloads, and
 * the Graph API faked with nock on a configurable base URL.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { ErrorCodes, ParleyError } from '../core/domain/index.js';
import { ManualClock } from '../core/ports/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { embeddedDb } from './support/embedded.js';
import { fakeGraphSends, graphText, metaSignature, nockLoopbackOnly, postMeta, type GraphSend } from './support/whatsapp-webhooks.js';

const GRAPH = 'http://graph.test';
const SECRET = 'meta-app-secret';
const env = {
  WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_APP_SECRET: SECRET,
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
  WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0`,
  WHATSAPP_TEMPLATE_NAME: 'parley_follow_up',
};
const SEND_PATH = '/v21.0/106540352242922/messages';

type Sent = GraphSend;
let app: TestParley;
let clock: ManualClock;
const ADMIN = { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: 'correct-horse-battery' };
let sent: Sent[];
let reads: string[];

const sign = (body: string, secret = SECRET) => metaSignature(body, secret);
const post = (payload: unknown, opts: { signature?: string | null; body?: string } = {}) => postMeta(app.url, payload, SECRET, opts);
/** The Graph API send endpoint: records what Parley sends, answers like Meta. */
const graphAccepts = (times = 50) => fakeGraphSends(env.WHATSAPP_GRAPH_URL, env.WHATSAPP_PHONE_NUMBER_ID, sent, { times, reads });

const texts = () => sent.map(graphText);

nockLoopbackOnly();
beforeEach(async () => {
  sent = [];
  reads = [];
  clock = new ManualClock(new Date('2026-01-01T10:00:00Z'));
  app = await startParley(env, { clock });
});
afterEach(async () => {
  await app.stop();
  nock.cleanAll();
});

/** A Parley with a console admin, where the candidate wrote once and the first reply was sent. */
async function restartWithFirstReply() {
  await app.stop();
  app = await startParley({ ...env, ...ADMIN }, { clock });
  graphAccepts();
  await post(fixture('whatsapp/meta/text.json'));
  await eventually(async () => (await app.parley.store.findMessageByProviderId('whatsapp', 'wamid.out.1'))?.status === 'sent', 'first reply sent');
  return (await conversation())!;
}

async function conversation() {
  return app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' });
}

describe('Meta webhook verification handshake', () => {
  it('echoes the challenge for the right token and refuses a wrong one', async () => {
    const ok = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
    expect(wrong.status).toBe(403);
  });
});

describe('Meta webhook signature', () => {
  it('accepts a signed delivery, stores it, and answers on WhatsApp with reply buttons', async () => {
    graphAccepts();
    const res = await post(fixture('whatsapp/meta/text.json'));
    expect(res.status).toBe(200);
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    const consent = sent.find((s) => s.type === 'interactive') as { to: string; interactive: { type: string; action: { buttons: { reply: { id: string; title: string } }[] } } };
    expect(consent.to).toBe('4915112345678');
    expect(consent.interactive.type).toBe('button');
    expect(consent.interactive.action.buttons.map((b) => b.reply)).toEqual([{ id: 'yes', title: 'Yes, continue' }, { id: 'no', title: 'No' }]);
    const conv = await conversation();
    expect(conv?.ref.provider).toBe('meta');
    const candidate = await app.parley.store.getCandidate(conv!.candidateId);
    expect(candidate?.phone).toBe('+4915112345678');
  });

  it.each([
    ['forged (wrong secret)', { signature: sign(JSON.stringify(fixture('whatsapp/meta/text.json')), 'not-the-secret') }],
    ['missing', { signature: null }],
    ['stale body (changed after signing)', { signature: sign(JSON.stringify(fixture('whatsapp/meta/text.json'))), body: JSON.stringify(fixture('whatsapp/meta/text.json')).replace('"hi"', '"hacked"') }],
  ])('rejects a %s signature with 401 and stores nothing', async (_label, opts) => {
    const res = await post(fixture('whatsapp/meta/text.json'), opts);
    expect(res.status).toBe(401);
    expect(await conversation()).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('acknowledges malformed and unhandled payloads without storing anything', async () => {
    expect((await post(undefined, { body: 'not json', signature: sign('not json') })).status).toBe(200);
    expect((await post({ object: 'whatsapp_business_account', entry: 'nope' })).status).toBe(200);
    const sticker = fixture<{ entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] }>('whatsapp/meta/text.json', (j) => {
      j.entry[0]!.changes[0]!.value.messages[0] = { from: '4915112345678', id: 'wamid.sticker', timestamp: '1767261600', type: 'sticker', sticker: { id: '1', mime_type: 'image/webp' } };
    });
    expect((await post(sticker)).status).toBe(200);
    expect(await conversation()).toBeUndefined();
  });
});

describe('Meta messages', () => {
  it('stores a duplicate delivery once and replies once', async () => {
    graphAccepts();
    await post(fixture('whatsapp/meta/text.json'));
    await post(fixture('whatsapp/meta/text.json'));
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    const messages = await app.parley.store.listMessages((await conversation())!.id);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(texts().filter((t) => /agree to continue/.test(t))).toHaveLength(1);
  });

  it('treats a button reply as the chosen answer and marks inbound messages read', async () => {
    graphAccepts();
    await post(fixture('whatsapp/meta/text.json'));
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    await post(fixture('whatsapp/meta/button-reply.json'));
    await eventually(() => texts().some((t) => /What is your name/.test(t)), 'the name question');
    await eventually(() => reads.length === 2, 'both inbound messages marked read');
    expect(reads).toEqual([
      'wamid.HBgLNDkxNTExMjM0NTY3OBUCABIYFjNFQjBDNzM1RjVBQjM4RTFFNEYwAA==',
      'wamid.HBgLNDkxNTExMjM0NTY3OBUCABIYFkJVVFRPTlJFUExZMDAwMDAwMDAwMQA=',
    ]);
  });

  it('tracks delivery statuses from Meta, forward only, and records failures with the reason', async () => {
    graphAccepts();
    await post(fixture('whatsapp/meta/text.json'));
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    const conv = (await conversation())!;
    await eventually(async () => (await app.parley.store.listMessages(conv.id)).some((m) => m.providerMessageId === 'wamid.out.1' && m.status === 'sent'), 'first reply sent');
    const first = () => app.parley.store.findMessageByProviderId('whatsapp', 'wamid.out.1');
    await post(fixture('whatsapp/meta/statuses.json'));
    expect((await first())?.status).toBe('delivered');
    await post(fixture<{ entry: { changes: { value: { statuses: { status: string }[] } }[] }[] }>('whatsapp/meta/statuses.json', (j) => (j.entry[0]!.changes[0]!.value.statuses[0]!.status = 'read')));
    expect((await first())?.status).toBe('read');
    await post(fixture('whatsapp/meta/statuses.json')); // late "delivered"
    expect((await first())?.status).toBe('read');
    await post(fixture('whatsapp/meta/status-failed.json'));
    expect(await first()).toMatchObject({ status: 'failed', error: '131026 Message undeliverable: Message Undeliverable.' });
    const events = await app.parley.store.listEvents({ conversationId: conv.id, types: ['MessageFailed'] });
    expect(events).toHaveLength(1);
  });
});

describe('Meta sending', () => {
  async function contact() {
    graphAccepts();
    await post(fixture('whatsapp/meta/text.json'));
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    return (await conversation())!;
  }

  it('sends the approved template to a candidate silent for more than 24 hours', async () => {
    const conv = await contact();
    clock.advance(25 * 3_600_000);
    const m = await app.parley.engine.send(conv.id, { text: 'Your interview is tomorrow at 10:00.' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'sent', 'the proactive message to be sent');
    const last = sent.at(-1) as { type: string; template: { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] } };
    expect(last.type).toBe('template');
    expect(last.template.name).toBe('parley_follow_up');
    expect(last.template.components[0]!.parameters[0]!.text).toBe('Your interview is tomorrow at 10:00.');
    const logged = await app.parley.store.listEvents({ conversationId: conv.id, types: ['MessageSentAsTemplate'] });
    expect(logged).toHaveLength(1);
  });

  it('falls back to the template when Meta answers 131047 (re-engagement required)', async () => {
    const conv = await contact();
    nock.cleanAll();
    nock(GRAPH).post(SEND_PATH, (b: Sent) => b.type === 'text').reply(400, { error: { message: 'Re-engagement message', type: 'OAuthException', code: 131047, error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed since the recipient last replied to the sender number.' } } });
    graphAccepts();
    const m = await app.parley.engine.send(conv.id, { text: 'Are you still interested?' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'sent', 'the message to go out as a template');
    expect(sent.at(-1)?.type).toBe('template');
  });

  it('retries a rate-limit error with backoff, then sends', async () => {
    const conv = await contact();
    nock.cleanAll();
    nock(GRAPH).post(SEND_PATH).reply(400, { error: { message: '(#130429) Rate limit hit', code: 130429 } }, { 'retry-after': '1' });
    graphAccepts();
    const m = await app.parley.engine.send(conv.id, { text: 'Thanks for waiting.' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'sent', 'the retried message', 10_000);
    expect((await app.parley.store.getMessage(m.id))?.attempts).toBe(2);
    expect(texts().at(-1)).toBe('Thanks for waiting.');
  });

  it('retries a 5xx and marks a permanent error failed with the reason', async () => {
    const conv = await contact();
    nock.cleanAll();
    nock(GRAPH).post(SEND_PATH).reply(500, { error: { message: 'An unknown error occurred', code: 1 } });
    nock(GRAPH).post(SEND_PATH).reply(400, { error: { message: 'Recipient phone number not in allowed list', code: 131030 } });
    const m = await app.parley.engine.send(conv.id, { text: 'Hello?' }, 'bot');
    await eventually(async () => (await app.parley.store.getMessage(m.id))?.status === 'failed', 'the message to fail', 10_000);
    expect(await app.parley.store.getMessage(m.id)).toMatchObject({ attempts: 2, error: expect.stringContaining('131030') });
  });

  it('shows a message Meta refused as failed, with the reason, in the operator console', async () => {
    await app.stop();
    app = await startParley({ ...env, ...ADMIN }, { clock });
    const operator = await ConsoleClient.connect(app.url, (await login(app.url, ADMIN.PARLEY_ADMIN_EMAIL, ADMIN.PARLEY_ADMIN_PASSWORD)).token);
    try {
      const conv = await contact();
      nock.cleanAll();
      nock(GRAPH).post(SEND_PATH).reply(400, { error: { message: 'Recipient phone number not in allowed list', code: 131030 } });
      const m = await app.parley.engine.send(conv.id, { text: 'Your interview is confirmed.' }, 'bot');
      const shown = await operator.waitFor('message', (x) => x.id === m.id && x.status === 'failed', 10_000);
      expect(shown.error).toContain('131030');
      const notice = await operator.waitFor('notification', (n) => n.kind === 'delivery-failed' && n.conversationId === conv.id);
      expect(notice.body).toContain('131030');
      const { body } = await api<{ messages: { id: string; status: string; error?: string }[] }>(app.url, (await login(app.url, 'admin@acme.test', 'correct-horse-battery')).token, `/conversations/${conv.id}/messages`);
      expect(body.messages.find((x) => x.id === m.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('131030') });
    } finally {
      operator.close();
    }
  });
});

describe('Meta deliveries the core would refuse as they are (issue 10, items 2 and 3)', () => {
  type Batch = { entry: { changes: { value: { messages: Record<string, unknown>[]; statuses?: Record<string, unknown>[] } }[] }[] };
  const message = (id: string, body: string, timestamp = '1767261600') => ({ from: '4915112345678', id, timestamp, text: { body }, type: 'text' });
  const batch = (...messages: Record<string, unknown>[]) => fixture<Batch>('whatsapp/meta/text.json', (j) => (j.entry[0]!.changes[0]!.value.messages = messages));
  const inbound = async () => (await app.parley.store.listMessages((await conversation())!.id)).filter((m) => m.direction === 'in');

  it('stores every message of a batch [ok, 20,000 characters, ok] with 200; the long one clipped and marked', async () => {
    graphAccepts();
    const cv = `My CV: ${'experience '.repeat(2000)}`.slice(0, 20_000);
    const res = await post(batch(message('wamid.batch.1', 'hi'), message('wamid.batch.2', cv), message('wamid.batch.3', 'still there?')));
    expect(res.status).toBe(200);
    const stored = await inbound();
    expect(stored.map((m) => m.providerMessageId)).toEqual(['wamid.batch.1', 'wamid.batch.2', 'wamid.batch.3']);
    const long = stored[1]!;
    expect(long.text).toHaveLength(16_000);
    expect(long.text.startsWith(cv.slice(0, 15_000))).toBe(true);
    expect(long.text).toMatch(/\[message clipped: the first 15,9\d\d of 20,000 characters are kept\]$/);
    expect(long.clipped).toEqual({ originalLength: 20_000 });
    expect(stored[2]!.text).toBe('still there?');
    expect(stored[0]!.clipped).toBeUndefined();
  });

  it('stores a message whose id is over 256 characters under a stable hash: 200, and a redelivery is a duplicate', async () => {
    graphAccepts();
    const longId = `wamid.${'A'.repeat(300)}`;
    expect((await post(batch(message(longId, 'hi')))).status).toBe(200);
    expect((await post(batch(message(longId, 'hi')))).status).toBe(200);
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    const stored = await inbound();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.providerMessageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await app.parley.store.findMessageByProviderId('whatsapp', stored[0]!.providerMessageId!)).toMatchObject({ id: stored[0]!.id });
  });

  it('answers a message with a non-numeric timestamp, stamped with the receipt time', async () => {
    graphAccepts();
    expect((await post(batch(message('wamid.when', 'hi', 'yesterday')))).status).toBe(200);
    await eventually(() => sent.some((s) => s.type === 'interactive'), 'the consent question');
    const [stored] = await inbound();
    expect(stored!.createdAt.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('acknowledges an item the core still refuses (empty id) and stores the rest of the batch', async () => {
    graphAccepts();
    const res = await post(batch(message('', 'no id'), message('wamid.after', 'hi')));
    expect(res.status).toBe(200);
    expect((await inbound()).map((m) => m.text)).toEqual(['hi']);
  });

  it('answers 500 only when the store failed; the retried batch is then stored once', async () => {
    graphAccepts();
    const store = app.parley.store;
    const real = store.recordInbound.bind(store);
    let calls = 0;
    store.recordInbound = (inbound, now) => (++calls === 2 ? Promise.reject(new ParleyError(ErrorCodes.STORE, 'disk I/O error')) : real(inbound, now));
    const delivery = batch(message('wamid.store.1', 'hi'), message('wamid.store.2', 'are you there?'), message('wamid.store.3', 'hello?'));
    expect((await post(delivery)).status).toBe(500);
    expect((await inbound()).map((m) => m.providerMessageId)).toEqual(['wamid.store.1', 'wamid.store.3']);
    expect((await post(delivery)).status).toBe(200); // Meta's retry
    expect((await inbound()).map((m) => m.providerMessageId)).toEqual(['wamid.store.1', 'wamid.store.3', 'wamid.store.2']);
  });

  it('a status with timestamp "not-a-number" records the receipt time, and the console still shows the conversation', async () => {
    const conv = await restartWithFirstReply();
    clock.advance(60_000);
    const bad = fixture<Batch>('whatsapp/meta/statuses.json', (j) => (j.entry[0]!.changes[0]!.value.statuses![0]!.timestamp = 'not-a-number'));
    expect((await post(bad)).status).toBe(200);
    const row = (await app.parley.store.findMessageByProviderId('whatsapp', 'wamid.out.1'))!;
    expect(row.status).toBe('delivered');
    expect(row.updatedAt.toISOString()).toBe('2026-01-01T10:01:00.000Z');
    const raw = embeddedDb(app.parley).prepare('SELECT doc FROM messages WHERE id = ?').get(row.id) as { doc: string };
    expect((JSON.parse(raw.doc) as { updatedAt: unknown }).updatedAt).toBe('2026-01-01T10:01:00.000Z');
    const changed = await app.parley.store.listEvents({ conversationId: conv.id, types: ['MessageStatusChanged'] });
    expect(changed.map((e) => e.at.toISOString())).toEqual(['2026-01-01T10:01:00.000Z']);
    const { token } = await login(app.url, ADMIN.PARLEY_ADMIN_EMAIL, ADMIN.PARLEY_ADMIN_PASSWORD);
    const detail = await api<{ messages: { id: string; status: string }[] }>(app.url, token, `/conversations/${conv.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.messages.find((m) => m.id === row.id)?.status).toBe('delivered');
  });

  it('one bad row already in the database (null dates) does not break detail, messages, transcript, timeline or sync', async () => {
    const conv = await restartWithFirstReply();
    const reply = (await app.parley.store.findMessageByProviderId('whatsapp', 'wamid.out.1'))!;
    // What the old status handler wrote: an Invalid Date serialised as null.
    const db = embeddedDb(app.parley);
    db.prepare("UPDATE messages SET doc = json_set(doc, '$.updatedAt', json('null')) WHERE id = ?").run(reply.id);
    const event = (await app.parley.store.listEvents({ conversationId: conv.id }))[0]!;
    db.prepare("UPDATE events SET doc = json_set(doc, '$.at', json('null')) WHERE id = ?").run(event.id);
    db.prepare("UPDATE conversations SET doc = json_set(doc, '$.updatedAt', json('null'), '$.createdAt', 'garbage') WHERE id = ?").run(conv.id);
    db.prepare("UPDATE candidates SET doc = json_set(doc, '$.createdAt', json('null')) WHERE id = ?").run(conv.candidateId);

    const { token } = await login(app.url, ADMIN.PARLEY_ADMIN_EMAIL, ADMIN.PARLEY_ADMIN_PASSWORD);
    const detail = await api<{ summary: { updatedAt: string; lastActivityAt: string }; candidate: { createdAt: string }; messages: { id: string; updatedAt: string; createdAt: string }[]; events: { id: string; at: string }[] }>(
      app.url,
      token,
      `/conversations/${conv.id}`,
    );
    expect(detail.status).toBe(200);
    const shown = detail.body.messages.find((m) => m.id === reply.id)!;
    expect(shown.updatedAt).toBe(shown.createdAt); // repaired from the row's own createdAt
    expect(detail.body.events.find((e) => e.id === event.id)?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(detail.body.summary.updatedAt).toBe(detail.body.summary.lastActivityAt);
    expect(detail.body.candidate.createdAt).toMatch(/^2026-01-01T/);
    const messages = await api<{ messages: { id: string }[] }>(app.url, token, `/conversations/${conv.id}/messages`);
    expect(messages.status).toBe(200);
    expect(messages.body.messages.map((m) => m.id)).toContain(reply.id);
    const transcript = await api<string>(app.url, token, `/conversations/${conv.id}/messages?format=text`);
    expect(transcript.status).toBe(200);
    expect(transcript.body).toContain('agree to continue');
    const timeline = await api<{ events: { id: string }[] }>(app.url, token, `/conversations/${conv.id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.events.map((e) => e.id)).toContain(event.id);
    const list = await api<{ conversations: { id: string }[] }>(app.url, token, '/conversations');
    expect(list.body.conversations.map((c) => c.id)).toContain(conv.id);
    const operator = await ConsoleClient.connect(app.url, token);
    try {
      const synced = await operator.ok('sync', { since: '2025-12-31T00:00:00.000Z' });
      expect(synced.conversations.map((c) => c.id)).toContain(conv.id);
      expect(synced.messages.map((m) => m.id)).toContain(reply.id);
    } finally {
      operator.close();
    }
  });
});
