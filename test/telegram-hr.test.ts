import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PluginModule } from '../bin/plugins/index.js';
import { telegramPlugin } from '../bin/plugins/telegram.js';
import { newId, type Conversation, type DomainEvent } from '../core/domain/index.js';
import { interviewSlice, startInterview } from '../core/interview/index.js';
import { syntheticBank } from '../core/interview/test-bank.js';
import { FakeTelegramBotApi, TelegramChat, startParleyWith } from './fakes/telegram-bot-api.js';
import { ChatClient, eventually, type TestParley } from './support/harness.js';

const SECRET = 'hr-secret';
const ADMIN = 9001;
const RECRUITER = 9002;
const VIEWER = 9003;
const RECRUITER_2 = 9004;
const scheduled: { conversationId: string; at: Date; opts: { link?: string; actor: string } }[] = [];

/** Neighbour features the HR desk calls: the pending question after handback, and scheduling. */
const neighbours: PluginModule = {
  name: 'neighbours',
  async create(ctx) {
    ctx.services.pendingPrompt = () => ({ text: 'Where were we? Tell me about closures.' });
    ctx.services.scheduleInterview = async (conversationId, at, opts) => void scheduled.push({ conversationId, at, opts });
    return { name: 'neighbours' };
  },
};

let fake: FakeTelegramBotApi;
let app: TestParley;
let nextChat = 750_000_001;
const webhook = () => ({ webhook: `${app.url}/webhooks/telegram`, secret: SECRET });
const hrChats = new Map<number, TelegramChat>();
/** One chat per HR user for the whole file: Telegram message ids are unique per chat. */
/** HR users' Telegram first names: what a candidate is told when they join or leave. */
const HR_NAMES = new Map([[ADMIN, 'Adele'], [RECRUITER, 'Rui'], [VIEWER, 'Vera'], [RECRUITER_2, 'Teo']]);
const hr = (userId: number) => hrChats.get(userId) ?? hrChats.set(userId, new TelegramChat(fake, webhook(), userId, HR_NAMES.get(userId))).get(userId)!;
const store = () => app.parley.store;
let ana: TelegramChat;
let anaSouza: TelegramChat;
let bruno: TelegramChat;

async function conversationOf(c: TelegramChat): Promise<Conversation> {
  return (await store().findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) }))!;
}
async function candidateId(c: TelegramChat): Promise<string> {
  return (await conversationOf(c)).candidateId;
}
async function settled(): Promise<void> {
  await eventually(async () => (await store().listPendingInbound()).length === 0 && app.parley.engine.queueDepth() === 0, 'turns and sends to finish');
}

async function candidate(name: string): Promise<TelegramChat> {
  const c = new TelegramChat(fake, webhook(), nextChat++);
  await c.ask('hi', /Do you agree/);
  await c.press('Yes, continue', /What is your name\?/);
  await c.ask(name, /Which role/);
  await c.press('React Developer', /You're applying for React Developer/);
  return c;
}

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParleyWith(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://parley.example.com',
      TELEGRAM_HR_USERS: `${ADMIN}:admin,${RECRUITER}:recruiter,${VIEWER}:viewer,${RECRUITER_2}:recruiter`,
    },
    [neighbours, telegramPlugin],
  );
  ana = await candidate('Ana Lima');
  anaSouza = await candidate('Ana Souza');
  bruno = await candidate('Bruno Costa');
  const risk: DomainEvent = {
    id: newId('evt'),
    type: 'RiskAssessed',
    at: new Date(),
    actor: 'system',
    candidateId: await candidateId(bruno),
    conversationId: (await conversationOf(bruno)).id,
    score: 0.82,
    level: 'high',
    factors: [
      { name: 'no reply for 3 days', contribution: 0.4 },
      { name: 'interview abandoned', contribution: 0.3 },
      { name: 'negative sentiment', contribution: 0.12 },
      { name: 'slow answers', contribution: 0.05 },
    ],
  };
  await store().appendEvents([risk, { ...risk, id: newId('evt'), candidateId: await candidateId(ana), conversationId: (await conversationOf(ana)).id, score: 0.2, level: 'low' }]);
  await app.parley.engine.mutate((await conversationOf(bruno)).id, ({ conversation }) => ({
    conversation: { ...conversation, state: interviewSlice.write(conversation.state, { ...startInterview({ role: 'react', skills: syntheticBank().skills }, syntheticBank(), Date.now())[0], level: 'intermediate', askedQuestionIds: ['q1', 'q2', 'q3', 'q4'] }) },
  }));
});
afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe('HR commands (allowlisted Telegram users)', () => {
  it('HR messages never create candidates', async () => {
    const before = (await store().listCandidates()).length;
    await hr(ADMIN).ask('/help', /HR commands:/);
    await hr(VIEWER).ask('hello', /Type \/help to see the HR commands/);
    expect((await store().listCandidates()).length).toBe(before);
    expect(await store().findConversationByRef({ channel: 'telegram', externalId: String(ADMIN) })).toBeUndefined();
    expect(await store().findConversationByRef({ channel: 'telegram', externalId: String(VIEWER) })).toBeUndefined();
  });

  it('/help shows viewers only what they can do', async () => {
    const viewerHelp = await hr(VIEWER).ask('/help', /HR commands:/);
    expect(viewerHelp).not.toContain('/takeover');
    expect(await hr(RECRUITER).ask('/help', /HR commands:/)).toContain('/takeover <candidate>');
  });

  it('/status: pipeline counts per stage and the at-risk count', async () => {
    const counts = await store().countByStage();
    const text = await hr(VIEWER).ask('/status', /Pipeline/);
    expect(text).toContain(`screening: ${counts.screening}`);
    expect(text).toMatch(/At risk \(high\): 1$/m);
  });

  it('/status <candidate>: stage, risk with top factors, last activity, interview progress', async () => {
    const text = await hr(VIEWER).ask('/status Bruno', /Bruno Costa \(cand_/);
    expect(text).toContain('Stage: screening (screening: waiting for the technical interview)');
    expect(text).toContain('Risk: high (0.82): no reply for 3 days (0.40), interview abandoned (0.30), negative sentiment (0.12)');
    expect(text).toMatch(/Last activity: (just now|\d+ min ago) \(\d{4}-/);
    expect(text).toContain('Interview: in-progress, level intermediate, 4 questions asked');
  });

  it('a candidate can be named by id or phone too; no match says so', async () => {
    const id = await candidateId(ana);
    await hr(VIEWER).ask(`/status ${id}`, new RegExp(`Ana Lima \\(${id}\\)`));
    const c = await store().getCandidate(id);
    await store().saveCandidate({ ...c!, phone: '+351912345678' });
    await hr(VIEWER).ask('/status 912 345 678', new RegExp(`Ana Lima \\(${id}\\)`));
    await hr(VIEWER).ask('/status Zed Nobody', /No candidate matches "Zed Nobody"/);
  });

  it('an ambiguous name asks which, with buttons; the choice answers', async () => {
    const viewer = hr(VIEWER);
    await viewer.ask('/status ana', /2 candidates match "ana". Which one\?/);
    const id = await candidateId(anaSouza);
    await viewer.press(`Ana Souza · screening · ${id}`, new RegExp(`Ana Souza \\(${id}\\)\\nRole: react`));
  });

  it('/atrisk lists candidates whose latest assessment is high', async () => {
    const text = await hr(VIEWER).ask('/atrisk', /At risk \(1\):/);
    expect(text).toContain('Bruno Costa · react · screening · risk high (0.82)');
    expect(text).not.toContain('Ana Lima');
  });

  it('/candidates <stage> lists a stage; a wrong stage shows the stages', async () => {
    const text = await hr(VIEWER).ask('/candidates screening', /^screening \(\d+\):/);
    for (const name of ['Ana Lima', 'Ana Souza', 'Bruno Costa']) expect(text).toContain(name);
    await hr(VIEWER).ask('/candidates nope', /Usage: \/candidates <stage>, one of: new, intake, screening/);
    await hr(VIEWER).ask('/candidates hired', /No candidates in hired/);
  });

  it('/stats', async () => {
    const text = await hr(VIEWER).ask('/stats', /^Stats/);
    expect(text).toMatch(/Candidates: \d+ \(\d+ new in the last 7 days\)/);
    expect(text).toMatch(/Conversations by channel: telegram \d+/);
  });

  it.each([
    ['/takeover Ana Lima', 'takeover'],
    ['/handback', 'handback'],
    ['/remind Ana Lima', 'remind'],
    ['/schedule Ana Lima 2030-05-01 10:00', 'schedule'],
  ])('a viewer cannot act: %s', async (command, name) => {
    await hr(VIEWER).ask(command, new RegExp(`viewers can only read: /${name} needs the recruiter or admin role`));
  });

  it('unknown HR commands and voice notes get a clear answer', async () => {
    await hr(RECRUITER).ask('/frobnicate', /I don't know the HR command \/frobnicate/);
    const from = hr(RECRUITER).replies.length;
    await hr(RECRUITER).send('voice', { fileId: 'hr-voice' });
    await hr(RECRUITER).waitForBot(/Please type HR commands/, from);
  });
});

describe('takeover from Telegram', () => {
  it('the HR chat becomes the operator: messages relayed both ways, the bot silent, then handback re-asks', async () => {
    const recruiter = hr(RECRUITER);
    const start = ana.replies.length;
    await recruiter.ask('/takeover Ana Lima', /You are now talking to Ana Lima \(cand_\w+\) on telegram. The bot is silent./);
    await ana.waitForBot(/^Rui from the recruiting team has joined the chat\.$/, start);
    await settled();
    let conversation = await conversationOf(ana);
    expect(conversation).toMatchObject({ mode: 'human', assignedOperatorId: `telegram:${RECRUITER}` });
    expect(await store().listEvents({ conversationId: conversation.id, types: ['OperatorTakeover'] })).toMatchObject([{ operatorId: `telegram:${RECRUITER}`, actor: `operator:telegram:${RECRUITER}` }]);

    const botRepliesBefore = ana.replies.length;
    const hrFrom = recruiter.replies.length;
    await ana.say('Can I ask about the salary range?');
    await recruiter.waitForBot(/💬 Ana Lima \(cand_\w+\): Can I ask about the salary range\?/, hrFrom);
    await settled();
    expect(ana.replies.length).toBe(botRepliesBefore);

    await recruiter.say('Sure! It is 50-60k, remote friendly.');
    await ana.waitForBot(/Sure! It is 50-60k, remote friendly./, botRepliesBefore);
    const sent = (await store().listMessages(conversation.id)).find((m) => m.text === 'Sure! It is 50-60k, remote friendly.');
    expect(sent).toMatchObject({ direction: 'out', author: 'operator', authorId: `telegram:${RECRUITER}` });

    await hr(RECRUITER_2).ask('/takeover Ana Lima', /Ana Lima \(cand_\w+\) is already being handled by Rui\. An admin can take it over\./);

    const beforeHandback = ana.replies.length;
    await recruiter.ask('/handback Discussed salary; happy to continue', /Handed back to the bot; it has asked its pending question again/);
    conversation = await conversationOf(ana);
    expect(conversation.mode).toBe('bot');
    expect(conversation.assignedOperatorId).toBeUndefined();
    expect(await store().listEvents({ conversationId: conversation.id, types: ['OperatorHandback'] })).toMatchObject([{ operatorId: `telegram:${RECRUITER}`, summary: 'Discussed salary; happy to continue' }]);
    await ana.waitForBot(/Where were we\? Tell me about closures./, beforeHandback);
    expect(ana.replies.slice(beforeHandback).map((r) => r.text)).toEqual(["Rui has left the chat. I'll take it from here.", 'Where were we? Tell me about closures.']);
    await ana.ask('ok', /interview isn't open yet/);
    await recruiter.ask('/handback', /not handling any conversation/);
  });

  it('an admin can take over from another operator: audited, and the candidate is told who joined', async () => {
    const from = bruno.replies.length;
    await hr(RECRUITER).ask('/takeover Bruno Costa', /You are now talking to Bruno Costa/);
    await hr(ADMIN).ask('/takeover Bruno Costa', /You are now talking to Bruno Costa/);
    const conversation = await conversationOf(bruno);
    expect(conversation).toMatchObject({ mode: 'human', assignedOperatorId: `telegram:${ADMIN}` });
    await bruno.waitForBot(/^Adele from the recruiting team has joined the chat\.$/, from);
    expect(bruno.replies.slice(from).map((r) => r.text)).toEqual(['Rui from the recruiting team has joined the chat.', 'Adele from the recruiting team has joined the chat.']);
    expect(await store().listEvents({ conversationId: conversation.id, types: ['OperatorAction'] })).toMatchObject([
      { action: 'took-from', operatorId: `telegram:${ADMIN}`, actor: `operator:telegram:${ADMIN}`, details: { previousOperatorId: `telegram:${RECRUITER}` } },
    ]);
    await hr(RECRUITER).ask('/handback', /not handling any conversation/);
    await hr(ADMIN).ask('/handback', /Handed back to the bot/);
  });

  it('an admin hands back a conversation another operator holds; a recruiter cannot', async () => {
    const carla = await candidate('Carla Held');
    const from = carla.replies.length;
    await hr(RECRUITER).ask('/takeover Carla Held', /You are now talking to Carla Held/);
    await hr(RECRUITER_2).ask('/handback Carla Held', /not handling any conversation/);
    await hr(RECRUITER_2).ask('/remind Carla Held', /Carla Held \(cand_\w+\) is being handled by Rui: no reminder sent\./);
    expect(await conversationOf(carla)).toMatchObject({ mode: 'human', assignedOperatorId: `telegram:${RECRUITER}` });

    await hr(ADMIN).ask('/handback Carla Held', /Handed back to the bot; it has asked its pending question again/);
    const conversation = await conversationOf(carla);
    expect(conversation).toMatchObject({ mode: 'bot', needsHuman: false });
    expect(conversation.assignedOperatorId).toBeUndefined();
    await carla.waitForBot(/Where were we\? Tell me about closures./, from);
    // The candidate hears that the person they were talking to left, not the admin.
    expect(carla.replies.slice(from).map((r) => r.text)).toEqual([
      'Rui from the recruiting team has joined the chat.',
      "Rui has left the chat. I'll take it from here.",
      'Where were we? Tell me about closures.',
    ]);
    expect(await store().listEvents({ conversationId: conversation.id, types: ['OperatorHandback', 'OperatorAction'] })).toMatchObject([
      { type: 'OperatorHandback', operatorId: `telegram:${ADMIN}` },
      { type: 'OperatorAction', action: 'handed-back-for', details: { previousOperatorId: `telegram:${RECRUITER}` } },
    ]);
    await hr(RECRUITER).ask('/handback', /not handling any conversation/);
  });

  it('STOP during a takeover: /handback sends the candidate nothing and resets "needs human"', async () => {
    const dora = await candidate('Dora Quinn');
    const recruiter = hr(RECRUITER);
    const from = dora.replies.length;
    await recruiter.ask('/takeover Dora Quinn', /You are now talking to Dora Quinn/);
    await dora.waitForBot(/Rui from the recruiting team has joined the chat/, from);
    await dora.ask('STOP', /unsubscribed/);
    await settled();
    // Flagged while held, as a lapsed console hold leaves it.
    const held = await conversationOf(dora);
    await store().commitTurn({ conversation: { ...held, needsHuman: true }, messages: [], events: [] });
    const afterStop = dora.replies.length;
    const handedAt = new Date();

    await recruiter.ask('/handback', /Handed back to the bot\. Nothing was sent to the candidate \(they opted out\)\./);
    await settled();
    expect(dora.replies.slice(afterStop)).toEqual([]);
    const conversation = await conversationOf(dora);
    expect(conversation).toMatchObject({ mode: 'bot', needsHuman: false });
    const after = (await store().listMessages(conversation.id)).filter((m) => m.direction === 'out' && m.createdAt >= handedAt);
    expect(after.map((m) => [m.text, m.status, m.suppressedReason])).toEqual([
      ["Rui has left the chat. I'll take it from here.", 'suppressed', 'opted-out'],
      ['Where were we? Tell me about closures.', 'suppressed', 'opted-out'],
    ]);
  });

  it('a web chat candidate can be taken over from Telegram too', async () => {
    const web = await ChatClient.connect(app.url);
    await web.ask('hi', /Do you agree/);
    await web.ask('Yes, continue', /What is your name/);
    await web.ask('Carla Dias', /Which role/);
    const recruiter = hr(RECRUITER);
    await recruiter.ask('/takeover Carla Dias', /You are now talking to Carla Dias \(cand_\w+\) on webchat/);
    await web.waitForBot(/Rui from the recruiting team has joined the chat/);
    const from = recruiter.replies.length;
    await web.say('Hello? Anyone there?');
    await recruiter.waitForBot(/💬 Carla Dias \(cand_\w+\): Hello\? Anyone there\?/, from);
    await recruiter.say('Hi Carla, I am Rui from the team.');
    await web.waitForBot(/Hi Carla, I am Rui from the team./);
    await recruiter.ask('/handback', /Handed back/);
    await web.waitForBot(/Rui has left the chat/);
    web.close();
  });
});

describe('reminders, scheduling and alerts', () => {
  it('/remind sends a friendly reminder and records it', async () => {
    const from = bruno.replies.length;
    await hr(RECRUITER).ask('/remind Bruno Costa', /Reminder sent to Bruno Costa/);
    await bruno.waitForBot(/Hi Bruno Costa! Just a friendly reminder about your application.\n\nWhere were we\?/, from);
    expect(await store().listEvents({ conversationId: (await conversationOf(bruno)).id, types: ['ReminderSent'] })).toMatchObject([{ kind: 'manual', actor: `operator:telegram:${RECRUITER}` }]);
  });

  it('/remind refuses an opted-out candidate', async () => {
    const carl = await candidate('Carl Opted');
    await carl.ask('STOP', /unsubscribed/);
    const before = carl.replies.length;
    await hr(RECRUITER).ask('/remind Carl Opted', /Carl Opted \(cand_\w+\) has opted out: no reminder sent/);
    await settled();
    expect(carl.replies.length).toBe(before);
  });

  it('/schedule calls the scheduling service; bad input gets the usage', async () => {
    const recruiter = hr(RECRUITER);
    await recruiter.ask('/schedule Ana Lima 2030-05-01 10:00 https://meet.example/ana', /Interview scheduled for Ana Lima \(cand_\w+\): 2030-05-01 10:00 UTC \(https:\/\/meet.example\/ana\)/);
    expect(scheduled.at(-1)).toEqual({ conversationId: (await conversationOf(ana)).id, at: new Date('2030-05-01T10:00:00Z'), opts: { link: 'https://meet.example/ana', actor: `operator:telegram:${RECRUITER}` } });
    await recruiter.ask('/schedule Ana Lima tomorrow', /Usage: \/schedule <candidate> <YYYY-MM-DD> <HH:MM> \[link\]/);
    await recruiter.ask('/schedule ana 2030-06-01 09:30', /2 candidates match "ana"/);
    await recruiter.press(`Ana Souza · screening · ${await candidateId(anaSouza)}`, /Interview scheduled for Ana Souza/);
    expect(scheduled.at(-1)).toMatchObject({ conversationId: (await conversationOf(anaSouza)).id, at: new Date('2030-06-01T09:30:00Z') });
  });

  it('/schedule says so when scheduling is not enabled', async () => {
    const service = app.parley.services.scheduleInterview;
    delete app.parley.services.scheduleInterview;
    try {
      await hr(RECRUITER).ask('/schedule Ana Lima 2030-05-01 10:00', /Scheduling is not enabled/);
    } finally {
      app.parley.services.scheduleInterview = service;
    }
  });

  it('hrBroadcast reaches the HR chats that turned alerts on, and stops when they turn them off', async () => {
    await hr(ADMIN).ask('/alerts on', /Alerts are on/);
    await hr(ADMIN).ask('/alerts', /Alerts are on for this chat/);
    const adminFrom = hr(ADMIN).replies.length;
    const viewerFrom = hr(VIEWER).replies.length;
    await app.parley.services.hrBroadcast!('Bruno Costa is at high risk', 'alert');
    expect(hr(ADMIN).replies.slice(adminFrom).map((r) => r.text)).toEqual(['⚠️ Bruno Costa is at high risk']);
    expect(hr(VIEWER).replies.length).toBe(viewerFrom);
    await hr(ADMIN).ask('/alerts off', /Alerts are off/);
    const afterOff = hr(ADMIN).replies.length;
    await app.parley.services.hrBroadcast!('Daily digest', 'digest');
    expect(hr(ADMIN).replies.length).toBe(afterOff);
  });
});

describe('candidates cannot run HR commands', () => {
  it.each(['/atrisk', '/takeover Ana Lima', '/stats', '/candidates screening', '/remind Ana Lima'])('%s from a candidate is an unknown command', async (command) => {
    const name = command.split(' ')[0]!.slice(1);
    await ana.ask(command, new RegExp(`I don't know the command /${name}`));
  });

  it('/status from a candidate is their own status, not the pipeline', async () => {
    const text = await bruno.ask('/status', /Bruno Costa, your application for react/);
    expect(text).not.toContain('Pipeline');
  });
});
