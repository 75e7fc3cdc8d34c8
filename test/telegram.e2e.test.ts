import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeTelegramBotApi, TelegramChat, telegramUpdate } from './fakes/telegram-bot-api.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const SECRET = 'test-secret_0123456789';
let fake: FakeTelegramBotApi;
let app: TestParley;
let nextChat = 710_000_001;
const chat = () => new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, nextChat++);
const conversationOf = (c: TelegramChat) => app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) });

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParley({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' });
});
afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe('Telegram webhook', () => {
  it('registers the webhook with its secret on start', () => {
    expect(fake.callsTo('setWebhook').at(-1)?.payload).toMatchObject({
      url: 'https://parley.example.com/webhooks/telegram',
      secret_token: SECRET,
      allowed_updates: ['message', 'edited_message', 'callback_query'],
    });
  });

  it.each([
    ['no secret header', null],
    ['a wrong secret', 'not-the-secret'],
    ['a secret one character short', SECRET.slice(0, -1)],
  ])('rejects %s with 401 and stores nothing', async (_what, secret) => {
    const ana = chat();
    const status = await ana.deliver(telegramUpdate('text', { updateId: 1, chatId: ana.chatId }), secret);
    expect(status).toBe(401);
    expect(await conversationOf(ana)).toBeUndefined();
    expect(ana.replies).toEqual([]);
  });

  it('answers a text with the greeting and consent as an inline keyboard, with no "typing" for a reply ready at once', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree to continue\?/);
    const consent = ana.replies.find((r) => /Do you agree/.test(r.text));
    expect(consent?.reply_markup?.inline_keyboard).toEqual([[{ text: 'Yes, continue', callback_data: 'yes' }], [{ text: 'No', callback_data: 'no' }]]);
    expect(ana.replies[0]?.text).toMatch(/recruiting assistant for Acme/);
    // Telegram recommends a chat action only when a reply takes a noticeable time; this one did
    // not (TYPING_DELAY_MS, 500 ms; test/engine-typing.test.ts shows it on a slow turn).
    expect(fake.callsTo('sendChatAction').filter((c) => c.payload.chat_id === String(ana.chatId))).toEqual([]);
  });

  it('a button press answers the callback query and continues with the label as the answer; a double tap counts once', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    await ana.press('Yes, continue', /What is your name\?/);
    expect(await ana.tap('Yes, continue')).toBe(200);
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    const conversation = await conversationOf(ana);
    const stored = await app.parley.store.listMessages(conversation!.id);
    expect(stored.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hi', 'Yes, continue']);
    expect(ana.replies.filter((r) => /What is your name/.test(r.text))).toHaveLength(1);
    expect(fake.callsTo('answerCallbackQuery').filter((c) => String(c.payload.callback_query_id).startsWith('cbq-')).length).toBeGreaterThanOrEqual(2);
  });

  it('the same update delivered twice gets one reply', async () => {
    const ana = chat();
    const update = telegramUpdate('text', { updateId: TelegramChat.updateId(), chatId: ana.chatId, messageId: 1 });
    expect(await ana.deliver(update)).toBe(200);
    expect(await ana.deliver(update)).toBe(200);
    await ana.waitForBot(/Do you agree/);
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    expect(ana.replies.filter((r) => /Do you agree/.test(r.text))).toHaveLength(1);
    const conversation = await conversationOf(ana);
    expect((await app.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('a /status command is answered', async () => {
    const ana = chat();
    expect(await ana.send('command')).toBe(200);
    await ana.waitForBot(/Your application: just started/);
  });

  it('an edited message is stored for recruiters and not answered', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    const before = ana.replies.length;
    expect(await ana.send('edited-message', { messageId: 1, text: 'hi there' })).toBe(200);
    const conversation = await conversationOf(ana);
    await eventually(async () => (await app.parley.store.listMessages(conversation!.id)).some((m) => m.text === '(edited) hi there' && m.status === 'processed'), 'edit stored');
    expect(ana.replies).toHaveLength(before);
  });

  it('a document is kept and acknowledged', async () => {
    const ana = chat();
    await ana.send('document');
    await ana.waitForBot(/saved that for our recruiters/);
    const stored = await app.parley.store.listMessages((await conversationOf(ana))!.id);
    expect(stored[0]).toMatchObject({ kind: 'media', text: '(sent a file: ana-lima-cv.pdf)', media: { mime: 'application/pdf' } });
  });

  it.each([
    ['an unsupported update type', 'my-chat-member'],
    ['a group message', 'group-message'],
  ])('%s is acknowledged and not stored', async (_what, name) => {
    const ana = chat();
    expect(await ana.send(name)).toBe(200);
    expect(await conversationOf(ana)).toBeUndefined();
  });

  it.each([
    ['not JSON', 'this is {not json'],
    ['not an update', JSON.stringify({ hello: 'world' })],
    ['a message without a chat', JSON.stringify({ update_id: 5, message: { message_id: 1, date: 1, text: 'hi' } })],
  ])('a body that is %s is logged and acknowledged', async (_what, body) => {
    const res = await fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body });
    expect(res.status).toBe(200);
  });

  it('a 20,000-character message is stored clipped with a marker, like on every channel, and answered', async () => {
    const ana = chat();
    const cv = `My CV. ${'Five years of React and TypeScript. '.repeat(600)}`.slice(0, 20_000);
    const update = telegramUpdate('text', { updateId: TelegramChat.updateId(), chatId: ana.chatId, messageId: 1, text: cv });
    expect(await ana.deliver(update)).toBe(200);
    await ana.waitForBot(/Do you agree/);
    const [stored] = (await app.parley.store.listMessages((await conversationOf(ana))!.id)).filter((m) => m.direction === 'in');
    expect(stored!.text).toHaveLength(16_000);
    expect(stored!.text.startsWith(cv.slice(0, 15_000))).toBe(true);
    expect(stored!.text).toMatch(/\[message clipped: the first 15,9\d\d of 20,000 characters are kept\]$/);
    expect(stored!.clipped).toEqual({ originalLength: 20_000 });
  });

  it('a message with a date Telegram could not have sent is stored with the receipt time and answered', async () => {
    const ana = chat();
    const update = telegramUpdate('text', { updateId: TelegramChat.updateId(), chatId: ana.chatId, messageId: 1 });
    (update.message as { date: number }).date = 9e15; // seconds: beyond what a Date can hold
    const before = Date.now();
    expect(await ana.deliver(update)).toBe(200);
    await ana.waitForBot(/Do you agree/);
    const [stored] = (await app.parley.store.listMessages((await conversationOf(ana))!.id)).filter((m) => m.direction === 'in');
    expect(stored!.createdAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('splits a long message to fit 4096 characters', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    const conversation = await conversationOf(ana);
    const long = `${'Paragraph one is long. '.repeat(150)}\n\n${'Paragraph two follows. '.repeat(150)}`;
    const sent = await app.parley.engine.send(conversation!.id, { text: long }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(sent.id))?.status === 'sent', 'long message sent');
    const parts = ana.replies.filter((r) => /Paragraph/.test(r.text));
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.text).join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' ').trim());
  });
});

describe('Telegram outbound errors', () => {
  it('429 with retry_after is retried after the delay and ends sent', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    const conversation = await conversationOf(ana);
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const sent = await app.parley.engine.send(conversation!.id, { text: 'After the rate limit' }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(sent.id))?.status === 'sent', 'message sent after 429', 10_000);
    const attempts = fake.callsTo('sendMessage').filter((c) => c.payload.text === 'After the rate limit');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(await app.parley.store.getMessage(sent.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('5xx is retried', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    const sent = await app.parley.engine.send((await conversationOf(ana))!.id, { text: 'After a 502' }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(sent.id))?.status === 'sent', 'message sent after 502', 10_000);
    expect(fake.callsTo('sendMessage').filter((c) => c.payload.text === 'After a 502').map((c) => c.status)).toEqual([502, 200]);
  });

  it('403 (bot blocked) marks the candidate unreachable and later sends are suppressed, not attempted', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    const conversation = (await conversationOf(ana))!;
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const first = await app.parley.engine.send(conversation.id, { text: 'Are you there?' }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(first.id))?.status === 'failed', 'first send failed');
    expect(await app.parley.store.getCandidate(conversation.candidateId)).toMatchObject({ unreachable: true });
    const callsBefore = fake.callsTo('sendMessage').filter((c) => c.payload.chat_id === String(ana.chatId)).length;
    const second = await app.parley.engine.send(conversation.id, { text: 'Hello again?' }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(second.id))?.status === 'suppressed', 'second send suppressed');
    expect(await app.parley.store.getMessage(second.id)).toMatchObject({ suppressedReason: 'unreachable' });
    expect(fake.callsTo('sendMessage').filter((c) => c.payload.chat_id === String(ana.chatId))).toHaveLength(callsBefore);
    expect(fake.callsTo('sendMessage').filter((c) => c.payload.text === 'Are you there?').map((c) => c.status)).toEqual([403]);
  });

  it('a chat that blocked the bot and writes again gets answers again and is reachable again', async () => {
    const ana = chat();
    await ana.ask('hi', /Do you agree/);
    const conversation = (await conversationOf(ana))!;
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const blocked = await app.parley.engine.send(conversation.id, { text: 'Blocked?' }, 'operator', 'op-1');
    await eventually(async () => (await app.parley.store.getMessage(blocked.id))?.status === 'failed', 'send failed');
    expect(await app.parley.store.getCandidate(conversation.candidateId)).toMatchObject({ unreachable: true });
    await ana.ask('/status', /Your application/);
    expect(await app.parley.store.getCandidate(conversation.candidateId)).toMatchObject({ unreachable: false });
  });
});
