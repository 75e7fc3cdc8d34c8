import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeTelegramBotApi, TelegramChat, telegramUpdate } from './fakes/telegram-bot-api.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

let fake: FakeTelegramBotApi;
let app: TestParley;

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  // No PUBLIC_URL: Telegram cannot reach us, so Parley long-polls (the local default).
  app = await startParley({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_POLL_TIMEOUT_SEC: '5' });
});
afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe('Telegram long polling (no PUBLIC_URL)', () => {
  it('drops any webhook and never sets one', async () => {
    await eventually(() => fake.callsTo('deleteWebhook').length > 0, 'deleteWebhook');
    expect(fake.callsTo('setWebhook')).toHaveLength(0);
  });

  it('receives updates through getUpdates and answers them, button presses included', async () => {
    const ana = new TelegramChat(fake, 'polling', 720_000_001);
    await ana.ask('hi', /Do you agree to continue\?/);
    await ana.press('Yes, continue', /What is your name\?/);
    await ana.ask('Ana Lima', /Nice to meet you, Ana Lima!/);
  });

  it('confirms handled updates with the next offset', async () => {
    const bo = new TelegramChat(fake, 'polling', 720_000_002);
    await bo.ask('/help', /Here is what I can do/);
    const handled = fake.calls.filter((c) => c.method === 'getUpdates' && Array.isArray(c.result) && (c.result as { message?: { chat: { id: number } } }[]).some((u) => u.message?.chat.id === bo.chatId));
    const updateId = (handled[0]!.result as { update_id: number }[]).find(() => true)!.update_id;
    await eventually(() => fake.callsTo('getUpdates').some((c) => typeof c.payload.offset === 'number' && c.payload.offset > updateId), 'offset moved past the update');
  });

  it('the same update delivered twice gets one reply', async () => {
    const cy = new TelegramChat(fake, 'polling', 720_000_003);
    const update = telegramUpdate('text', { updateId: TelegramChat.updateId(), chatId: cy.chatId, messageId: 1 });
    fake.pushUpdate(update as { update_id: number });
    await cy.waitForBot(/Do you agree/);
    // Telegram resends an update it thinks was not confirmed; same id, same message.
    fake.pushUpdate({ ...update, update_id: TelegramChat.updateId() } as { update_id: number });
    const sentinel = new TelegramChat(fake, 'polling', 720_000_004);
    await sentinel.ask('hi', /Do you agree/);
    expect(cy.replies.filter((r) => /Do you agree/.test(r.text))).toHaveLength(1);
    const conversation = await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(cy.chatId) });
    expect((await app.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('keeps polling after getUpdates fails (429 with retry_after)', async () => {
    const dee = new TelegramChat(fake, 'polling', 720_000_005);
    fake.failNext('getUpdates', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    // The poll in flight answers this one; the next poll is the one that fails.
    await dee.ask('hi', /Do you agree/);
    await eventually(() => fake.callsTo('getUpdates').some((c) => c.status === 429), 'the failing poll');
    await dee.press('Yes, continue', /What is your name\?/);
  });
});
