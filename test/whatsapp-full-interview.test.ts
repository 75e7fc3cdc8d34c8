/**
 * A whole candidate journey over each WhatsApp provider, through its real entry point: signed
 * Meta webhooks (Graph API faked with nock), signed Twilio form posts (REST API faked with nock on
 * TWILIO_API_BASE_URL) and WhatsApp Web (Baileys' fake socket). The candidate goes from "hi"
 * through consent, name and role (tapping buttons and list rows where the provider has them)
 * and answers every interview question until the assessment; replies are read at the fake send
 * endpoint, as WhatsApp would deliver them.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { AuthenticationState, WAMessage } from '@whiskeysockets/baileys';
import nock from 'nock';
import type { PluginModule } from '../bin/plugins/index.js';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import type { BaileysSocket } from '../channels/whatsapp/baileys/baileys-provider.js';
import type { Question, RoleBank } from '../core/interview/index.js';
import { ManualClock } from '../core/ports/index.js';
import { pluginsWithBaileys } from './support/baileys.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fakeGraphSends, fakeTwilioSends, graphChoices, graphText, META, metaEnv, metaPayload, nockLoopbackOnly, postMeta, postTwilio, TWILIO, TWILIO_WEBHOOK, twilioEnv, twilioText, type GraphSend } from './support/whatsapp-webhooks.js';

const PHONE = '4915112345678';
const react = (await loadQuestionBanks([DEFAULT_BANK_DIR])).get('react') as RoleBank;
const T0 = new Date('2026-01-01T10:00:00Z');

/** What the candidate's phone shows: the text of a message, and its buttons or list rows. */
interface Shown {
  text: string;
  choices: { id: string; title: string }[];
}

/** One provider behind the same candidate script. */
interface Driver {
  env: Record<string, string>;
  /** Plugins with the provider's test doubles injected (default: every plugin, real providers). */
  plugins?: PluginModule[];
  /** Start recording what Parley sends (before the app starts). */
  listen(): void;
  shown(): Shown[];
  /** The candidate types `text`. */
  say(app: TestParley, text: string): Promise<void>;
  /** The candidate taps a button or list row (providers without them: types its number). */
  tap(app: TestParley, shown: Shown, id: string): Promise<void>;
  stop(): void;
}

let seq = 0;
const nextId = () => ++seq;
const now = () => Math.floor(T0.getTime() / 1000) + seq;

function metaDriver(): Driver {
  const sent: GraphSend[] = [];
  const deliver = async (app: TestParley, message: Record<string, unknown>) => {
    const res = await postMeta(app.url, metaPayload(PHONE, { id: `wamid.in.${nextId()}`, timestamp: String(now()), ...message }), META.secret);
    expect(res.status).toBe(200);
  };
  return {
    env: metaEnv(),
    listen: () => void fakeGraphSends(META.graphUrl, META.phoneNumberId, sent),
    shown: () =>
      sent.map((m) => {
        expect(m.to).toBe(PHONE);
        return { text: graphText(m), choices: graphChoices(m) };
      }),
    say: (app, text) => deliver(app, { type: 'text', text: { body: text } }),
    tap: (app, shown, id) => {
      const choice = shown.choices.find((c) => c.id === id)!;
      const kind = shown.choices.length <= 3 ? 'button_reply' : 'list_reply';
      return deliver(app, { type: 'interactive', interactive: { type: kind, [kind]: choice } });
    },
    stop: () => nock.cleanAll(),
  };
}

function twilioDriver(): Driver {
  const sent: URLSearchParams[] = [];
  return {
    env: twilioEnv(),
    listen: () => void fakeTwilioSends(TWILIO.api, TWILIO.accountSid, sent),
    shown: () =>
      sent.map((form) => {
        expect(form.get('To')).toBe(`whatsapp:+${PHONE}`);
        // Twilio has no buttons here: choices arrive as a numbered list at the end of the text.
        const body = form.get('Body') ?? '';
        const choices = [...body.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => ({ id: m[1] as string, title: m[2] as string }));
        return { text: body, choices };
      }),
    async say(app, text) {
      const res = await postTwilio(app.url, TWILIO_WEBHOOK, twilioText(text, `SMin${String(nextId()).padStart(30, '0')}`, { from: PHONE }), TWILIO);
      expect(res.status).toBe(200);
    },
    tap(app, shown, id) {
      // The candidate answers with the option's number, as the message asks.
      const wanted = ROLE_TITLES[id] ?? CONSENT_TITLES[id];
      const choice = shown.choices.find((c) => c.title === wanted)!;
      return this.say(app, choice.id);
    },
    stop: () => nock.cleanAll(),
  };
}

/** Speaks the slice of the Baileys socket Parley uses (as in test/whatsapp-baileys.test.ts). */
class FakeSocket {
  readonly ev = new EventEmitter();
  readonly sent: Shown[] = [];
  constructor(readonly auth: AuthenticationState) {}
  async sendMessage(jid: string, content: { text: string }) {
    expect(jid).toBe(`${PHONE}@s.whatsapp.net`);
    const choices = [...content.text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => ({ id: m[1] as string, title: m[2] as string }));
    this.sent.push({ text: content.text, choices });
    return { key: { id: `BAE5${nextId()}`, remoteJid: jid, fromMe: true } } as WAMessage;
  }
  async sendPresenceUpdate() {}
  end() {}
}

function baileysDriver(): Driver {
  let socket: FakeSocket | undefined;
  return {
    // The send throttle protects a real number; the fake socket needs none.
    env: { WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_SEND_INTERVAL_MS: '0' },
    plugins: pluginsWithBaileys({
      socketFactory: (opts) => {
        socket = new FakeSocket(opts.auth);
        // Paired and connected as soon as it exists.
        setImmediate(() => socket?.ev.emit('connection.update', { connection: 'open' }));
        return socket as unknown as BaileysSocket;
      },
    }),
    listen() {},
    shown: () => socket?.sent ?? [],
    async say(_app, text) {
      await eventually(() => Boolean(socket), 'the WhatsApp Web socket');
      const message = { key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: false, id: `3EB0${String(nextId()).padStart(16, '0')}` }, messageTimestamp: now(), pushName: 'Ana Lima', broadcast: false, message: { conversation: text } };
      socket!.ev.emit('messages.upsert', { messages: [message], type: 'notify' });
    },
    tap(app, shown, id) {
      const wanted = ROLE_TITLES[id] ?? CONSENT_TITLES[id];
      return this.say(app, shown.choices.find((c) => c.title === wanted)!.id);
    },
    stop() {},
  };
}

const CONSENT_TITLES: Record<string, string> = { yes: 'Yes, continue' };
const ROLE_TITLES: Record<string, string> = { react: 'React Developer' };

const strongAnswer = (q: Question) =>
  `${q.rubric.strongAnswerPoints.join(' ')} In short: ${q.rubric.keyConcepts.map((k) => k.concept).join(', ')}. For example, in our production app we measured this carefully.`;

function questionFor(text: string): Question {
  const body = text.replace(/^Question \d+: /, '');
  const q = react.questions.find((x) => x.text === body);
  if (!q) throw new Error(`asked something not in the react bank: ${text}`);
  return q;
}

const drivers: [string, () => Driver][] = [
  ['Meta Cloud API', metaDriver],
  ['Twilio', twilioDriver],
  ['WhatsApp Web (Baileys)', baileysDriver],
];

nockLoopbackOnly();

describe.each(drivers)('a full interview over WhatsApp through %s', (_name, make) => {
  let app: TestParley | undefined;
  let driver: Driver;
  afterEach(async () => {
    await app?.stop();
    driver.stop();
  });

  it('takes the candidate from "hi" to the assessment, adapting to strong answers', async () => {
    driver = make();
    driver.listen();
    const clock = new ManualClock(T0);
    app = await startParley(driver.env, { clock, ...(driver.plugins ? { plugins: driver.plugins } : {}) });
    const a = app;

    /** The first message shown from index `from` on that matches. */
    const next = async (pattern: RegExp, from: number): Promise<Shown> => {
      let hit: Shown | undefined;
      await eventually(() => (hit = driver.shown().slice(from).find((s) => pattern.test(s.text))) !== undefined, `a message matching ${pattern}`, 10_000);
      return hit!;
    };

    await driver.say(a, 'hi');
    const consent = await next(/agree to continue/, 0);
    expect(consent.choices.map((c) => c.title)).toEqual(['Yes, continue', 'No']);
    let mark = driver.shown().length;
    await driver.tap(a, consent, 'yes');
    await next(/What is your name\?/, mark);
    mark = driver.shown().length;
    await driver.say(a, 'Ana Lima');
    const roles = await next(/Which role/, mark);
    expect(roles.choices.map((c) => c.title)).toEqual(expect.arrayContaining(['React Developer', 'Python Developer']));
    mark = driver.shown().length;
    await driver.tap(a, roles, 'react');
    let question = await next(/^Question 1: /, mark);

    const asked: Question[] = [];
    for (let i = 0; i < 20; i++) {
      const q = questionFor(question.text);
      asked.push(q);
      mark = driver.shown().length;
      clock.advance(45_000);
      await driver.say(a, strongAnswer(q));
      question = await next(/^Question \d+: |That's the end of the interview/, mark);
      if (/That's the end of the interview/.test(question.text)) break;
    }

    expect(question.text).toMatch(/That's the end of the interview/);
    expect(asked.length).toBeGreaterThanOrEqual(8);
    expect(asked.length).toBeLessThanOrEqual(15);
    expect(asked.some((q) => q.level === 'advanced' || q.level === 'expert')).toBe(true);
    // Questions are numbered in order and none is asked twice.
    expect(new Set(asked.map((q) => q.id)).size).toBe(asked.length);

    const conversation = await a.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: `+${PHONE}` });
    const candidate = await a.parley.store.getCandidate(conversation!.candidateId);
    expect(candidate).toMatchObject({ name: 'Ana Lima', role: 'react', stage: 'assessed', phone: `+${PHONE}` });
    const assessment = conversation!.state.assessment as { overallScore: number; recommendation: string };
    expect(assessment.overallScore).toBeGreaterThanOrEqual(65);
    expect(['yes', 'strong-yes']).toContain(assessment.recommendation);
    expect(await a.parley.store.listEvents({ conversationId: conversation!.id, types: ['InterviewCompleted'] })).toHaveLength(1);
    // Every reply reached the fake provider: nothing failed or is waiting.
    const outbound = (await a.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'out');
    expect(outbound.filter((m) => m.status === 'failed' || m.status === 'pending')).toEqual([]);
  });
});
