/**
 * Candidates in Microsoft Teams, end to end through POST /api/messages with signed activities:
 * intake and a short interview (card buttons included, a stale card refused), a throttled
 * connector, and a voice note.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { scriptedCandidate } from './__fixtures__/interview/candidates.js';
import { FakeBotFramework, type RecordedActivity, type TeamsUser } from './fakes/bot-framework.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const NEXT = /^Question \d+: |That's the end of the interview/;
const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));

let bf: FakeBotFramework;
let app: TestParley;
/** With OpenAI configured (voice notes transcribed; OpenAI faked with nock). */
let voiceApp: TestParley;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  bf = await FakeBotFramework.start();
  app = await startParley({ ...bf.env, INTERVIEW_MIN_QUESTIONS: '2', INTERVIEW_MAX_QUESTIONS: '2' });
  voiceApp = await startParley({ ...bf.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1' });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app?.stop();
  await voiceApp?.stop();
  await bf?.stop();
  nock.enableNetConnect();
});

/** A candidate in a personal chat with the bot. */
class Candidate {
  readonly user: TeamsUser;
  constructor(
    name: string,
    private readonly on: () => TestParley = () => app,
  ) {
    this.user = bf.user(name);
  }
  get chat(): string {
    return bf.personalChat(this.user);
  }
  shown(): RecordedActivity[] {
    return bf.to(this.chat);
  }
  async say(text: string, extra: Parameters<FakeBotFramework['message']>[2] = {}): Promise<void> {
    expect((await bf.send(this.on().url, bf.message(this.user, text, extra))).status).toBe(200);
  }
  async tap(card: RecordedActivity, title: string): Promise<void> {
    expect((await bf.send(this.on().url, bf.cardSubmit(this.user, card, title))).status).toBe(200);
  }
  /** The first message after `mark` whose text matches. */
  async next(pattern: RegExp, mark: number): Promise<RecordedActivity> {
    await bf.waitFor(() => this.shown().slice(mark).some((a) => pattern.test(FakeBotFramework.textOf(a))));
    return this.shown().slice(mark).find((a) => pattern.test(FakeBotFramework.textOf(a))) as RecordedActivity;
  }
  async conversation() {
    return (await this.on().parley.store.findConversationByRef({ channel: 'teams', externalId: this.chat }))!;
  }
}

const buttons = (a: RecordedActivity) => ((a.activity.attachments?.[0]?.content.actions ?? []) as { type: string; title: string }[]).map((b) => `${b.type}:${b.title}`);

describe('a candidate in Teams', () => {
  it('is greeted when the bot is added, does intake by card buttons and a short interview, and a stale card is refused', async () => {
    const ana = new Candidate('Ana Lima');
    expect((await bf.send(app.url, bf.botAdded(ana.user))).status).toBe(200);
    await ana.next(/Say hi to get started/, 0);

    let mark = ana.shown().length;
    await ana.say('hi');
    const consent = await ana.next(/agree to continue/, mark);
    // No "typing…" for a reply ready at once (shown only once a turn takes TYPING_DELAY_MS).
    expect(bf.sent.filter((a) => a.conversationId === ana.chat && a.activity.type === 'typing')).toEqual([]);
    expect(consent.activity.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(buttons(consent)).toContain('Action.Submit:Yes, continue');
    mark = ana.shown().length;
    await ana.tap(consent, 'Yes, continue');
    await ana.next(/What is your name\?/, mark);
    mark = ana.shown().length;
    await ana.say('Ana Lima');
    const roles = await ana.next(/Which role/, mark);
    const python = buttons(roles).find((b) => /python/i.test(b));
    expect(python).toBeDefined();
    mark = ana.shown().length;
    await ana.tap(roles, python!.slice('Action.Submit:'.length));
    let question = await ana.next(/^Question 1: /, mark);

    // Another button of the role card, mid-interview: refused like a stale button, nothing graded.
    mark = ana.shown().length;
    const other = buttons(roles).find((b) => b !== python)!;
    await ana.tap(roles, other.slice('Action.Submit:'.length));
    const refused = await ana.next(/earlier message/, mark);
    expect(FakeBotFramework.textOf(refused)).toContain(FakeBotFramework.textOf(question).replace(/^Question 1: /, ''));
    expect(((await ana.conversation()).state.interview as { answers: unknown[] }).answers).toHaveLength(0);

    const answer = await scriptedCandidate('strong');
    for (let i = 0; i < 5 && !/That's the end/.test(FakeBotFramework.textOf(question)); i++) {
      mark = ana.shown().length;
      await ana.say(answer(FakeBotFramework.textOf(question)) as string);
      question = await ana.next(NEXT, mark);
    }
    expect(FakeBotFramework.textOf(question)).toMatch(/That's the end of the interview/);
    expect(((await ana.conversation()).state.interview as { answers: unknown[] }).answers).toHaveLength(2);
  }, 120_000);

  it('a reply the connector keeps throttling (429) is sent again by the outbound rule after Retry-After', async () => {
    const bruno = new Candidate('Bruno Costa');
    // botbuilder's HTTP pipeline retries a 429 three times itself; the fourth reaches Parley's
    // outbound dispatcher, which must wait the connector's Retry-After (3 s, not its 0.5 s backoff).
    bf.failNext(429, { 'Retry-After': '3' }, 4);
    await bruno.say('hi');
    const delivered = await bruno.next(/agree to continue/, 0);
    const throttled = bf.sent.filter((s) => s.conversationId === bruno.chat && s.status === 429);
    expect(throttled).toHaveLength(4);
    expect(delivered.at - throttled[3]!.at).toBeGreaterThanOrEqual(2900);
    const conv = await bruno.conversation();
    await eventually(async () => (await app.parley.store.listMessages(conv.id)).some((m) => m.direction === 'out' && m.status === 'sent' && m.attempts === 2), 'the reply stored as sent on its second attempt');
  }, 90_000);

  it('an audio attachment is fetched with the bot token, transcribed and answered', async () => {
    const carla = new Candidate('Carla', () => voiceApp);
    let mark = 0;
    await carla.say('hi');
    const consent = await carla.next(/agree to continue/, mark);
    mark = carla.shown().length;
    await carla.tap(consent, 'Yes, continue');
    await carla.next(/What is your name\?/, mark);

    const whisper = nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, { text: 'My name is Carla Mendes.', duration: 2.1, language: 'english' });
    const contentUrl = bf.serveFile('carla-voice.ogg', OGG, 'audio/ogg').replace(bf.url, bf.url + '/connector');
    mark = carla.shown().length;
    await carla.say('', { attachments: [{ contentType: 'audio/ogg', contentUrl, name: 'voice.ogg' }] });
    await carla.next(/Nice to meet you, Carla Mendes/, mark);
    expect(whisper.isDone()).toBe(true);
    expect(bf.fileRequests.at(-1)?.authorization).toMatch(/^Bearer bot-token-\d+$/);
    const voice = (await voiceApp.parley.store.listMessages((await carla.conversation()).id)).find((m) => m.kind === 'voice');
    expect(voice?.text).toContain('Carla Mendes');
  }, 60_000);
});
