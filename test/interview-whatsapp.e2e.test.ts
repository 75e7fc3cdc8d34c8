/**
 * The interview over WhatsApp (Meta Cloud API): signed webhooks in, replies read at a nock'd
 * Graph API, as the candidate's phone would show them. Scripted candidates (test/__fixtures__/
 * interview): a strong one who splits an answer over three messages and a weak one complete the
 * interview and are told apart; a role button tapped again mid-interview is refused; free text
 * after the interview is answered. Time is a ManualClock: the quiet period ends when the test moves it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { InterviewSessionSchema, type Assessment, type InterviewSession } from '../core/interview/index.js';
import { ManualClock } from '../core/ports/index.js';
import { scriptedCandidate, type CandidateKind } from './__fixtures__/interview/candidates.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const GRAPH = 'http://graph.test';
const SECRET = 'meta-app-secret';
const PHONE_NUMBER_ID = '106540352242922';
const ENV = { WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token', WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: 'verify-me', WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0`, INTERVIEW_ANSWER_QUIET_MS: '5000' };
const NEXT = /^Question \d+: |That's the end of the interview/;

/** What a phone shows: text, and its buttons or list rows. */
interface Shown {
  to: string;
  text: string;
  choices: { id: string; title: string }[];
}

let sent: Shown[] = [];
let seq = 0;
let app: TestParley | undefined;
let clock: ManualClock;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => nock.enableNetConnect());
afterEach(async () => {
  await app?.stop();
  app = undefined;
  nock.cleanAll();
});

async function boot(): Promise<TestParley> {
  sent = [];
  nock(GRAPH)
    .post(`/v21.0/${PHONE_NUMBER_ID}/messages`)
    .times(2000)
    .reply(200, async (req: unknown) => {
      type Interactive = { body: { text: string }; action: { buttons?: { reply: { id: string; title: string } }[]; sections?: { rows: { id: string; title: string }[] }[] } };
      const json = (await (req as Request).json()) as { status?: string; type?: string; to?: string; text?: { body: string }; interactive?: Interactive };
      if (json.status === 'read') return { success: true };
      const i = json.interactive;
      const choices = i ? (i.action.buttons ? i.action.buttons.map((b) => b.reply) : (i.action.sections ?? []).flatMap((s) => s.rows)) : [];
      sent.push({ to: json.to ?? '', text: json.text?.body ?? i?.body.text ?? `[${json.type}]`, choices });
      return { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${++seq}` }] };
    });
  clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  app = await startParley(ENV, { clock });
  return app;
}

/** One candidate's phone. */
function phone(number: string) {
  const deliver = async (message: Record<string, unknown>) => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, contacts: [{ profile: { name: 'Ana Lima' }, wa_id: number }], messages: [{ from: number, id: `wamid.in.${++seq}`, timestamp: String(Math.floor(clock.now().getTime() / 1000)), ...message }] } }] }],
    };
    const body = JSON.stringify(payload);
    const res = await fetch(`${app!.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` }, body });
    expect(res.status).toBe(200);
  };
  const shown = () => sent.filter((s) => s.to === number);
  return {
    shown,
    say: (text: string) => deliver({ type: 'text', text: { body: text } }),
    tap: (message: Shown, id: string) => {
      const choice = message.choices.find((c) => c.id === id)!;
      const kind = message.choices.length <= 3 ? 'button_reply' : 'list_reply';
      return deliver({ type: 'interactive', interactive: { type: kind, [kind]: choice } });
    },
    /** The first message from index `from` on that matches. */
    async next(pattern: RegExp, from: number): Promise<Shown> {
      let hit: Shown | undefined;
      await eventually(() => (hit = shown().slice(from).find((s) => pattern.test(s.text))) !== undefined, `a message matching ${pattern}`, 15_000);
      return hit!;
    },
    async conversation() {
      return (await app!.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: `+${number}` }))!;
    },
  };
}
type Phone = ReturnType<typeof phone>;

async function session(p: Phone): Promise<InterviewSession> {
  return InterviewSessionSchema.parse((await p.conversation()).state.interview);
}

/** Consent, name, role (tapping the buttons and the list row): returns the role list and question 1. */
async function intake(p: Phone, name: string): Promise<{ roles: Shown; first: Shown }> {
  await p.say('hi');
  const consent = await p.next(/agree to continue/, 0);
  let mark = p.shown().length;
  await p.tap(consent, 'yes');
  await p.next(/What is your name\?/, mark);
  mark = p.shown().length;
  await p.say(name);
  const roles = await p.next(/Which role/, mark);
  mark = p.shown().length;
  await p.tap(roles, 'python');
  return { roles, first: await p.next(/^Question 1: /, mark) };
}

/** Answer each question in one message (a minute apart) until the interview ends. */
async function finish(p: Phone, kind: CandidateKind, question: Shown): Promise<void> {
  const answer = await scriptedCandidate(kind);
  for (let i = 0; i < 20 && !/That's the end/.test(question.text); i++) {
    clock.advance(60_000);
    const mark = p.shown().length;
    await p.say(answer(question.text) as string);
    // Wait until the message is collected, then let the quiet period pass.
    await eventually(async () => (await app!.parley.store.listPendingInbound()).length === 0 && (await session(p)).draft !== undefined, 'the answer collected', 15_000);
    clock.advance(5000);
    question = await p.next(NEXT, mark);
  }
  expect(question.text).toMatch(/That's the end of the interview/);
}

describe('the interview over WhatsApp (Meta Cloud API)', () => {
  it('grades an answer split over three messages once, and tells a strong candidate from a weak one', async () => {
    await boot();
    const strong = phone('4915112345678');
    const { first } = await intake(strong, 'Ana Lima');
    const parts = ['Most recently I built an internal invoicing service in FastAPI.', 'I owned the PDF generation and the nightly reconciliation job, matching bank payments against invoices with pandas.', 'I also wrote the pytest suite; it replaced half a day of spreadsheet work each week.'];
    const mark = strong.shown().length;
    for (const part of parts) {
      clock.advance(2000);
      await strong.say(part);
    }
    await eventually(async () => (await app!.parley.store.listPendingInbound()).length === 0 && (await session(strong)).draft?.parts.length === 3, 'the three parts collected', 15_000);
    expect(strong.shown().slice(mark)).toEqual([]);
    clock.advance(5000);
    const second = await strong.next(/^Question 2: /, mark);
    const s = await session(strong);
    expect(s.answers).toHaveLength(1);
    expect(s.answers[0]).toMatchObject({ text: parts.join('\n'), parts: 3 });
    expect(strong.shown().slice(mark).filter((m) => /^Question \d+: /.test(m.text))).toEqual([second]);
    expect(first.text).not.toBe(second.text);
    await finish(strong, 'strong', second);

    const weak = phone('4915187654321');
    const w = await intake(weak, 'Will Weak');
    await finish(weak, 'weak', w.first);

    const [sa, wa] = [(await strong.conversation()).state.assessment as Assessment, (await weak.conversation()).state.assessment as Assessment];
    expect(['yes', 'strong-yes']).toContain(sa.recommendation);
    expect(wa.recommendation).toBe('no');
    expect(sa.overallScore - wa.overallScore).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it('refuses the role button tapped again mid-interview, and answers free text after the interview', async () => {
    await boot();
    const p = phone('4915112345678');
    const { roles, first } = await intake(p, 'Ana Lima');
    let mark = p.shown().length;
    clock.advance(30_000);
    await p.tap(roles, 'python');
    const refused = await p.next(/earlier message/, mark);
    expect(refused.text).toContain(first.text.replace(/^Question 1: /, ''));
    // Nothing was collected or graded, and no timer runs for it.
    expect((await session(p)).answers).toHaveLength(0);
    expect((await session(p)).draft).toBeUndefined();

    await finish(p, 'weak', first);
    mark = p.shown().length;
    await p.say('Thanks! What happens now?');
    const reply = await p.next(/recruiters are reviewing/, mark);
    expect(reply.text).toMatch(/\/status/);
  }, 120_000);
});
