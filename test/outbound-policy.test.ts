/**
 * The outbound policy through real entry points: a candidate who sent STOP gets nothing from a
 * proactive send (here the handback prompt from the Telegram HR desk, the path that once forgot
 * its own opt-out check), the message is stored `suppressed` with its reason, and nothing reaches
 * the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PluginModule } from '../bin/plugins/index.js';
import { consolePlugin } from '../bin/plugins/console.js';
import { telegramPlugin } from '../bin/plugins/telegram.js';
import type { Conversation, Message } from '../core/domain/index.js';
import { ConsoleClient, api, login } from '../operator-console/testing.js';
import { FakeTelegramBotApi, TelegramChat, startParleyWith } from './fakes/telegram-bot-api.js';
import { eventually, type TestParley } from './support/harness.js';

const SECRET = 'policy-secret';
const RECRUITER = 9102;
const PROMPT = 'Where were we? Tell me about closures.';
const ADMIN = { PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: 'correct-horse-battery' };

/** The interview's "pending question" after a handback, as a fixed text this test knows. */
const pendingPrompt: PluginModule = {
  name: 'pending-prompt',
  async create(ctx) {
    ctx.services.pendingPrompt = () => ({ text: PROMPT });
    return { name: 'pending-prompt' };
  },
};

let fake: FakeTelegramBotApi;
let app: TestParley;
/** One chat for the HR user for the whole file: Telegram message ids are unique per chat. */
let recruiter: TelegramChat;
const webhook = () => ({ webhook: `${app.url}/webhooks/telegram`, secret: SECRET });

async function conversationOf(c: TelegramChat): Promise<Conversation> {
  return (await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) }))!;
}

/** Every turn processed and every queued send finished (sent, failed or suppressed). */
async function settled(): Promise<void> {
  await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0 && app.parley.engine.queueDepth() === 0, 'turns and sends to finish', 15_000);
}

async function applicant(chatId: number, name: string): Promise<TelegramChat> {
  const c = new TelegramChat(fake, webhook(), chatId);
  await c.ask('hi', /Do you agree/);
  await c.press('Yes, continue', /What is your name\?/);
  await c.ask(name, /Which role/);
  return c;
}

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParleyWith(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com', TELEGRAM_HR_USERS: `${RECRUITER}:recruiter`, ...ADMIN },
    [pendingPrompt, consolePlugin, telegramPlugin],
  );
  recruiter = new TelegramChat(fake, webhook(), RECRUITER);
}, 60_000);
afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe('outbound policy', () => {
  it('takeover, STOP, handback: the candidate gets the opt-out confirmation and nothing after it', async () => {
    const ana = await applicant(760_000_001, 'Ana Opted');
    await recruiter.ask('/takeover Ana Opted', /You are now talking to Ana Opted/);

    // STOP in human mode: the confirmation is the one message that still goes out.
    await ana.ask('STOP', /You're unsubscribed/);
    const afterConfirmation = ana.replies.length;

    const { token } = await login(app.url, ADMIN.PARLEY_ADMIN_EMAIL, ADMIN.PARLEY_ADMIN_PASSWORD);
    const operator = await ConsoleClient.connect(app.url, token);
    await recruiter.say('/handback');
    const conversation = await conversationOf(ana);
    let prompt: Message | undefined;
    await eventually(
      async () => {
        prompt = (await app.parley.store.listMessages(conversation.id)).find((m) => m.direction === 'out' && m.text === PROMPT);
        return prompt !== undefined && prompt.status !== 'queued' && prompt.status !== 'sending';
      },
      'the handback prompt to be decided',
      15_000,
    );
    await settled();

    expect(prompt).toMatchObject({ status: 'suppressed', suppressedReason: 'opted-out', author: 'bot' });
    expect(ana.replies.slice(afterConfirmation).map((r) => r.text)).toEqual([]);
    expect(fake.sentTo(ana.chatId).some((r) => r.text === PROMPT)).toBe(false);
    const suppressed = await app.parley.store.listEvents({ conversationId: conversation.id, types: ['MessageSuppressed'] });
    // The prompt and the "<recruiter> has left the chat" notice before it (core/takeover).
    expect(suppressed.map((e) => e.type === 'MessageSuppressed' && e.reason)).toEqual(['opted-out', 'opted-out']);
    expect(suppressed.some((e) => e.type === 'MessageSuppressed' && e.messageId === prompt!.id)).toBe(true);
    expect((await conversationOf(ana)).mode).toBe('bot');

    // Recruiters see it in the console, live and in the transcript, as not sent and why.
    await operator.waitFor('message', (m) => m.id === prompt!.id && m.status === 'suppressed', 10_000);
    operator.close();
    const { body } = await api<{ messages: { id: string; status: string }[] }>(app.url, token, `/conversations/${conversation.id}/messages`);
    expect(body.messages.find((m) => m.id === prompt!.id)).toMatchObject({ status: 'suppressed' });
  }, 60_000);

  it('a recruiter holding the chat: the bot stays silent, even when a job or the engine sends', async () => {
    const bea = await applicant(760_000_002, 'Bea Held');
    await recruiter.ask('/takeover Bea Held', /You are now talking to Bea Held/);
    await bea.waitForBot(/has joined the chat/);
    const before = bea.replies.length;
    const conversation = await conversationOf(bea);

    // A proactive bot send (what reminders and nudges do) while a human holds the chat.
    const nudge = await app.parley.engine.send(conversation.id, { text: 'Are you still there?' }, 'bot');
    // The recruiter's own message goes out.
    await recruiter.say('Hi Bea, Rui from the team here.');
    await bea.waitForBot(/Rui from the team/, before);
    await settled();

    expect((await app.parley.store.getMessage(nudge.id))).toMatchObject({ status: 'suppressed', suppressedReason: 'human-mode' });
    expect(bea.replies.slice(before).map((r) => r.text)).toEqual(['Hi Bea, Rui from the team here.']);
    await recruiter.ask('/handback', /Handed back/);
  }, 60_000);
});
