import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { addOperator } from '../operator-console/index.js';
import { ConsoleClient, login } from '../operator-console/testing.js';
import { FakeTelegramBotApi, TelegramChat } from './fakes/telegram-bot-api.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
const SECRET = 'test-secret_0123456789';
// Rate limits read Parley's clock: the test moves it, so no assertion depends on how fast this machine is.
const clock = new ManualClock(new Date());
let fake: FakeTelegramBotApi;
let app: TestParley;
let admin: ConsoleClient;
let rita: ConsoleClient;

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' }, { clock });
  await addOperator(app.parley.ports.operators, { email: 'rita@acme.test', name: 'Rita Recruiter', role: 'recruiter', password: PASSWORD }, clock.now());
  admin = await ConsoleClient.connect(app.url, (await login(app.url, 'admin@acme.test', PASSWORD)).token);
  rita = await ConsoleClient.connect(app.url, (await login(app.url, 'rita@acme.test', PASSWORD)).token);
});
afterAll(async () => {
  admin?.close();
  rita?.close();
  await app?.stop();
  await fake?.stop();
});

async function webchatCandidate(): Promise<ChatClient> {
  const candidate = await ChatClient.connect(app.url);
  await candidate.say('hi');
  await eventually(() => candidate.conversationId !== '', 'the conversation');
  return candidate;
}

describe('typing indicators (web chat candidate -> console, operator -> candidate)', () => {
  it('a web chat candidate typing reaches the consoles watching that conversation, once per interval, and the stop follows', async () => {
    const candidate = await webchatCandidate();
    const id = candidate.conversationId;
    await rita.ok('conversation:watch', { conversationId: id });
    const from = rita.received.length;
    // A burst of starts (as a misbehaving client could send), then a stop: the stop is the marker
    // that every start before it was handled (one socket, handled in order).
    for (let i = 0; i < 10; i++) candidate.socket.emit('typing', { typing: true });
    candidate.socket.emit('typing', { typing: false });
    await rita.waitFor('candidate:typing', (p) => !p.typing);
    expect(rita.all('candidate:typing', from)).toEqual([
      { conversationId: id, typing: true },
      { conversationId: id, typing: false },
    ]);
    // The admin's console does not watch this conversation: nothing for it.
    expect(admin.all('candidate:typing').filter((p) => p.conversationId === id)).toEqual([]);

    // After the interval a new start goes through again.
    clock.advance(2_500);
    candidate.socket.emit('typing', { typing: true });
    await eventually(() => rita.all('candidate:typing', from).length === 3, 'a second start after the interval');
    candidate.close();
  });

  it('the operator holding a web chat conversation shows "typing" on the candidate\'s chat, and other consoles see who types', async () => {
    const candidate = await webchatCandidate();
    const id = candidate.conversationId;
    const shown: unknown[] = [];
    candidate.socket.on('typing', (p) => shown.push(p));
    await admin.ok('takeover', { conversationId: id });
    await rita.ok('conversation:watch', { conversationId: id });
    const from = rita.received.length;
    clock.advance(10_000);
    admin.socket.emit('typing', { conversationId: id });
    await eventually(() => shown.length === 1, 'the typing indicator on the candidate\'s chat');
    expect(shown).toEqual([{ typing: true }]);
    await rita.waitFor('typing', (p) => p.conversationId === id);
    expect(rita.all('typing', from)).toEqual([{ conversationId: id, operatorId: expect.any(String), operatorName: expect.stringMatching(/\S/) }]);
    // The typist's own console is not told about itself.
    expect(admin.all('typing').filter((p) => p.conversationId === id)).toEqual([]);
    candidate.close();
  });

  it('on Telegram the holder\'s typing calls sendChatAction at most once per interval; a watcher who does not hold it sends nothing to the candidate', async () => {
    const telegram = async (chatId: number) => {
      const chat = new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, chatId);
      await chat.ask('hi', /./);
      const conversation = await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(chatId) });
      if (!conversation) throw new Error('no Telegram conversation');
      await admin.ok('takeover', { conversationId: conversation.id });
      await admin.ok('conversation:watch', { conversationId: conversation.id });
      return { id: conversation.id, actions: () => fake.callsTo('sendChatAction').filter((c) => String(c.payload.chat_id) === String(chatId)) };
    };
    const a = await telegram(720_000_001);
    const marker = await telegram(720_000_002);
    await rita.ok('conversation:watch', { conversationId: a.id });
    const before = a.actions().length;
    const markerBefore = marker.actions().length;
    clock.advance(10_000);

    // Rita does not hold the conversation: her typing is shown to the admin only.
    rita.socket.emit('typing', { conversationId: a.id });
    await admin.waitFor('typing', (p) => p.conversationId === a.id && p.operatorName === 'Rita Recruiter');
    for (let i = 0; i < 4; i++) admin.socket.emit('typing', { conversationId: a.id });
    await eventually(() => a.actions().length >= before + 1, 'the first sendChatAction');
    await rita.waitFor('typing', (p) => p.conversationId === a.id && p.operatorName === 'Admin');
    await admin.ok('sync', {}); // acknowledged after the burst was handled (one socket, in order)
    clock.advance(3_000);
    admin.socket.emit('typing', { conversationId: a.id });
    // The marker: the admin's next typing, in another chat, sent after all of the above.
    admin.socket.emit('typing', { conversationId: marker.id });
    await eventually(() => marker.actions().length === markerBefore + 1, 'the marker chat\'s sendChatAction');
    await eventually(() => a.actions().length >= before + 2, 'two sendChatAction calls');
    await admin.ok('sync', {});
    expect(a.actions().slice(before).map((c) => c.payload)).toEqual([
      { chat_id: '720000001', action: 'typing' },
      { chat_id: '720000001', action: 'typing' },
    ]);
  });
});
