import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PluginModule } from '../bin/plugins/index.js';
import { telegramPlugin } from '../bin/plugins/telegram.js';
import type { Conversation, DomainEventType } from '../core/domain/index.js';
import { FakeTelegramBotApi, TelegramChat, startParleyWith } from './fakes/telegram-bot-api.js';
import { ChatClient, eventually, type TestParley } from './support/harness.js';

const SECRET = 'commands-secret';
const notified: { conversationId: string; kind: string; title: string; body: string }[] = [];

/** Stands in for the interview feature: asks numbered questions in `interviewing`, re-asks the pending one. */
const interviewStandIn: PluginModule = {
  name: 'interview-stand-in',
  async create(ctx) {
    ctx.services.pendingPrompt = (c) => {
      const n = (c.state.standIn as { n: number } | undefined)?.n;
      return n ? { text: `Question ${n}: what is a closure?` } : undefined;
    };
    ctx.services.notifyOperators = async (n) => void notified.push(n);
    return {
      name: 'interview-stand-in',
      middleware: {
        conversation: [
          async (turn, next) => {
            if (turn.candidate.stage !== 'interviewing') return next();
            const n = ((turn.conversation.state.standIn as { n: number } | undefined)?.n ?? 0) + 1;
            turn.conversation.state = { ...turn.conversation.state, standIn: { n } };
            turn.reply(`Question ${n}: what is a closure?`);
          },
        ],
      },
    };
  },
};

let fake: FakeTelegramBotApi;
let app: TestParley;
let bare: TestParley;
let nextChat = 740_000_001;
const chat = (on: TestParley = app) => new TelegramChat(fake, { webhook: `${on.url}/webhooks/telegram`, secret: SECRET }, nextChat++);
const store = () => app.parley.store;

async function conversationOf(c: TelegramChat, on: TestParley = app): Promise<Conversation> {
  return (await on.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) }))!;
}
async function candidateOf(c: TelegramChat) {
  return (await store().getCandidate((await conversationOf(c)).candidateId))!;
}
async function eventsOf(c: TelegramChat, type: DomainEventType) {
  return store().listEvents({ conversationId: (await conversationOf(c)).id, types: [type] });
}
async function settled(on: TestParley = app): Promise<void> {
  await eventually(async () => (await on.parley.store.listPendingInbound()).length === 0 && on.parley.engine.queueDepth() === 0, 'turns and sends to finish');
}

/** Intake done: consent, name, role; the candidate waits in `screening`. */
async function screened(on: TestParley = app, name = 'Ana Lima'): Promise<TelegramChat> {
  const c = chat(on);
  await c.ask('hi', /Do you agree/);
  await c.press('Yes, continue', /What is your name\?/);
  await c.ask(name, /Which role/);
  await c.press('React Developer', /You're applying for React Developer/);
  return c;
}

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com' };
  app = await startParleyWith(env, [interviewStandIn, telegramPlugin]);
  bare = await startParleyWith(env, [telegramPlugin]);
});
afterAll(async () => {
  await app.stop();
  await bare.stop();
  await fake.stop();
});

describe('candidate commands over Telegram', () => {
  it('/help lists every command', async () => {
    const text = await chat().ask('/help', /Here is what I can do/);
    for (const cmd of ['/status', '/interview', '/reschedule', '/feedback', '/human', '/stop', '/delete', '/start', '/help']) expect(text).toContain(cmd);
  });

  it('an unknown command points to /help', async () => {
    await chat().ask('/frobnicate', /I don't know the command \/frobnicate. Type \/help/);
  });

  it('/status says the stage, the next step and, when scheduled, the interview time', async () => {
    const ana = await screened();
    await ana.ask('/status', /Ana Lima, your application for react: screening: waiting for the technical interview.\nNext step: the technical interview here in the chat. Type \/interview/);
    await app.parley.engine.mutate((await conversationOf(ana)).id, ({ conversation, candidate }) => ({
      conversation: { ...conversation, state: { ...conversation.state, schedule: { at: '2026-05-01T09:00:00Z', link: 'https://meet.example/abc', timeZone: 'Europe/Lisbon' } } },
      candidate: { ...candidate, stage: 'scheduled' },
    }));
    const status = await ana.ask('/status', /interview with the team scheduled/);
    expect(status).toContain('Your interview with the team: Friday, 1 May 2026 at 10:00 (Europe/Lisbon).');
    expect(status).toContain('Link: https://meet.example/abc');
  });

  it('/interview during intake asks to finish it first', async () => {
    const c = chat();
    await c.ask('hi', /Do you agree/);
    await c.ask('/interview', /finish a couple of quick questions first/);
    expect((await candidateOf(c)).stage).toBe('intake');
  });

  it('/interview starts the interview, and later resumes it with the pending question instead of grading the command', async () => {
    const ana = await screened();
    await ana.ask('/interview', /Question 1: what is a closure\?/);
    expect((await candidateOf(ana)).stage).toBe('interviewing');
    const from = ana.replies.length;
    await ana.ask('/interview', /Let's pick up where we left off/);
    await ana.waitForBot(/Question 1: what is a closure\?/, from);
    await settled();
    expect(ana.replies.slice(from).some((r) => /Question 2/.test(r.text))).toBe(false);
    expect((await conversationOf(ana)).state.standIn).toEqual({ n: 1 });
  });

  it('/interview with no interview feature says it is not open yet and leaves the stage', async () => {
    const bo = await screened(bare, 'Bo Chen');
    await bo.ask('/interview', /interview isn't open yet/);
    await settled(bare);
    const conversation = await conversationOf(bo, bare);
    expect((await bare.parley.store.getCandidate(conversation.candidateId))?.stage).toBe('screening');
  });

  it('/interview after the interview says it is done', async () => {
    const ana = await screened();
    await app.parley.engine.mutate((await conversationOf(ana)).id, ({ conversation, candidate }) => ({ conversation, candidate: { ...candidate, stage: 'assessed' } }));
    await ana.ask('/interview', /already done \(interview finished, assessment with the recruiters\)/);
  });

  it('/reschedule with nothing scheduled says so', async () => {
    await (await screened()).ask('/reschedule', /nothing to move/);
  });

  it('/reschedule asks for preferred times, stores them and notifies the operators', async () => {
    const ana = await screened();
    const conversation = await conversationOf(ana);
    await app.parley.engine.mutate(conversation.id, ({ conversation: c, candidate }) => ({ conversation: { ...c, state: { ...c.state, schedule: { at: '2026-05-01T09:00:00Z' } } }, candidate: { ...candidate, stage: 'scheduled' } }));
    await ana.ask('/reschedule', /Which days and times would suit you better/);
    await ana.ask('Tuesday or Wednesday afternoon, Lisbon time', /passed your preferred times to our recruiters/);
    expect(await eventsOf(ana, 'RescheduleRequested')).toMatchObject([{ preferredTimes: 'Tuesday or Wednesday afternoon, Lisbon time', actor: 'candidate' }]);
    expect((await conversationOf(ana)).state.commands).toMatchObject({ rescheduleRequest: { text: 'Tuesday or Wednesday afternoon, Lisbon time' } });
    expect(notified).toContainEqual(expect.objectContaining({ conversationId: conversation.id, kind: 'needs-human', title: 'Ana Lima asked to reschedule' }));
  });

  it('/feedback with text is stored with a sentiment score', async () => {
    const ana = await screened();
    await ana.ask('/feedback the questions were confusing and way too long', /Thank you for the feedback/);
    const [event] = await eventsOf(ana, 'FeedbackReceived');
    expect(event).toMatchObject({ text: 'the questions were confusing and way too long' });
    expect(event?.type === 'FeedbackReceived' && event.sentiment).toBeLessThan(-0.3);
  });

  it('/feedback alone asks for it, and the next message is the feedback', async () => {
    const c = await screened();
    await c.ask('/feedback', /how is it going so far/);
    await c.ask('Really friendly and clear so far', /Thank you for the feedback/);
    const [event] = await eventsOf(c, 'FeedbackReceived');
    expect(event?.type === 'FeedbackReceived' && event.sentiment).toBeGreaterThan(0.3);
  });

  it('/human flags the conversation, records HumanRequested and notifies the operators once', async () => {
    const ana = await screened();
    await ana.ask('/human', /asked a recruiter to join this chat/);
    const conversation = await conversationOf(ana);
    expect(conversation.needsHuman).toBe(true);
    expect(await eventsOf(ana, 'HumanRequested')).toMatchObject([{ reason: 'The candidate typed /human', actor: 'candidate' }]);
    expect(notified.filter((n) => n.conversationId === conversation.id && n.kind === 'needs-human')).toHaveLength(1);
    await ana.ask('talk to a person please', /has already been asked to join/);
    expect(await eventsOf(ana, 'HumanRequested')).toHaveLength(1);
  });

  it.each(['Can I talk to a person?', 'I want to speak with a human'])('"%s" asks for a human too', async (text) => {
    const c = chat();
    await c.ask(text, /asked a recruiter to join this chat/);
    expect((await conversationOf(c)).needsHuman).toBe(true);
  });

  it('STOP opts out with one confirmation; later messages are stored and not answered; /start opts back in', async () => {
    const ana = await screened();
    await ana.ask('STOP', /You're unsubscribed/);
    expect(await candidateOf(ana)).toMatchObject({ optedOut: true, stage: 'withdrawn' });
    expect(await eventsOf(ana, 'CandidateOptedOut')).toHaveLength(1);
    const silentFrom = ana.replies.length;
    await ana.say('hello? /status');
    await ana.say('/help');
    await settled();
    expect(ana.replies.length).toBe(silentFrom);
    const stored = await store().listMessages((await conversationOf(ana)).id);
    expect(stored.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(expect.arrayContaining(['hello? /status', '/help']));
    await ana.ask('/start', /Welcome back! Ana Lima, your application for react: screening/);
    expect(ana.replies.slice(silentFrom).map((r) => r.text)).toContain("You're back in: we'll message you here again.");
    expect(await candidateOf(ana)).toMatchObject({ optedOut: false, stage: 'screening' });
    expect(await eventsOf(ana, 'CandidateOptedIn')).toHaveLength(1);
  });

  it.each(['/stop', 'please stop messaging me', 'Unsubscribe'])('"%s" opts out too', async (text) => {
    const c = await screened();
    await c.ask(text, /You're unsubscribed/);
    expect((await candidateOf(c)).optedOut).toBe(true);
  });

  it('"not interested" is confirmed before withdrawing; "No, continue" keeps going', async () => {
    const ana = await screened();
    await ana.ask('not interested', /do you want to withdraw your application/);
    await ana.press('No, continue', /Glad to hear it/);
    expect((await candidateOf(ana)).optedOut).toBe(false);
    await ana.ask("I'm not interested anymore", /do you want to withdraw/);
    await ana.press('Yes, withdraw', /You're unsubscribed/);
    expect(await candidateOf(ana)).toMatchObject({ optedOut: true, stage: 'withdrawn' });
  });

  it('"I\'m not interested in frontend, more backend" is an answer, not an opt-out', async () => {
    const ana = await screened();
    await ana.ask('/interview', /Question 1/);
    await ana.ask("I'm not interested in frontend, more backend", /Question 2/);
    expect((await candidateOf(ana)).optedOut).toBe(false);
  });

  it('/delete asks to confirm; "No, keep it" keeps the data; "Yes" records the erasure request and stops messaging', async () => {
    const ana = await screened();
    await ana.ask('/delete', /delete your data/);
    await ana.press('No, keep it', /nothing has been deleted/);
    expect(await eventsOf(ana, 'ErasureRequested')).toHaveLength(0);
    await ana.ask('/delete', /delete your data/);
    await ana.press('Yes, delete my data', /deletion request is recorded/);
    expect(await eventsOf(ana, 'ErasureRequested')).toMatchObject([{ actor: 'candidate' }]);
    expect(await candidateOf(ana)).toMatchObject({ optedOut: true, stage: 'withdrawn' });
    const before = ana.replies.length;
    await ana.say('are you there?');
    await settled();
    expect(ana.replies.length).toBe(before);
  });
});

describe('candidate commands on the web chat too', () => {
  it('/human, "talk to a person" and STOP work over Socket.IO', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('talk to a person', /asked a recruiter to join/);
    await c.ask('/human', /has already been asked to join/);
    await c.ask('STOP', /You're unsubscribed/);
    const conversation = await store().getConversation(c.conversationId);
    expect(conversation?.needsHuman).toBe(true);
    expect((await store().getCandidate(conversation!.candidateId))?.optedOut).toBe(true);
    c.close();
  });
});
