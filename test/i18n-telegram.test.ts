/**
 * Telegram's `language_code` is the hint for the bot's language: a candidate whose Telegram is in
 * Portuguese and whose first words say nothing ("ok") gets the intake in Portuguese; the buttons
 * are labelled in it and pressing one goes on in it.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { telegramPlugin } from '../bin/plugins/telegram.js';
import { FakeTelegramBotApi, TelegramChat, startParleyWith, telegramUpdate } from './fakes/telegram-bot-api.js';
import type { TestParley } from './support/harness.js';

const SECRET = 'i18n-secret';
let fake: FakeTelegramBotApi;
let app: TestParley;

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParleyWith({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' }, [telegramPlugin]);
});
afterAll(async () => {
  await app?.stop();
  await fake?.stop();
});

it("a candidate whose Telegram is in Portuguese gets the intake in Portuguese", async () => {
  const chat = new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, 750_000_001);
  const update = telegramUpdate('text', { updateId: TelegramChat.updateId(), chatId: chat.chatId, messageId: 1, text: 'ok' }) as { message: { from: { language_code?: string } } };
  update.message.from.language_code = 'pt-br';
  expect(await chat.deliver(update)).toBe(200);
  const consent = await chat.waitForBot(/Concorda em continuar\?$/);
  expect(consent).toMatch(/^Antes de começar: guardamos as suas respostas/);
  expect(chat.replies[0]!.text).toMatch(/^Olá! Sou o Parley, o assistente de recrutamento da Acme\./);
  await chat.press('Sim, continuar', /^Ótimo, obrigado! Qual é o seu nome\?$/);
});
