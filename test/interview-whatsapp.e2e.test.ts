/**
 * The interview over WhatsApp (Meta Cloud API): signed webhooks in, replies read at a nock'd
 * Graph API, as the candidate's phone would show them. Scripted candidates (test/__fixtures__/
 * interview): a strong one who splits an answer over three messages and a weak one complete the
 * interview and are told apart; a role button tapped again mid-interview is refused; free text
 * after the interview is answered. Time is a ManualClock: the quiet period ends when the test moves it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { InterviewSessionSchema, type Assessment, type InterviewSession } from '../core/interview/index.js';
import { ManualClock } from '../core/ports/index.js';
import { scriptedCandidate, type CandidateKind } from './__fixtures__/interview/candidates.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fakeGraphSends, graphChoices, graphText, META, metaEnv, metaPayload, nockLoopbackOnly, postMeta, type GraphSend } from './support/whatsapp-webhooks.js';

const ENV = { ...metaEnv(), INTERVIEW_ANSWER_QUIET_MS: '5000' };
const NEXT = /^Question \d+: |That's the end of the interview/;

/** What a phone shows: text, and its buttons or list rows. */
interface Shown {
  to: string;
  text: string;
  choices: { id: string; title: string }[];
}

let graphSent: GraphSend[] = [];
let seq = 0;
let app: TestParley | undefined;
let clock: ManualClock;

nockLoopbackOnly();
afterEach(async () => {
  await app?.stop();
  app = undefined;
  nock.cleanAll();
});

async function boot(): Promise<TestParley> {
  graphSent = [];
  fakeGraphSends(META.graphUrl, META.phoneNumberId, graphSent);
  clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  app = await startParley(ENV, { clock });
  return app;
}

/** One candidate's phone. */
function phone(number: string) {
  const deliver = async (message: Record<string, unknown>) => {
    const res = await postMeta(app!.url, metaPayload(number, { id: `wamid.in.${++seq}`, timestamp: String(Math.floor(clock.now().getTime() / 1000)), ...message }), META.secret);
    expect(res.status).toBe(200);
  };
  const shown = (): Shown[] => graphSent.filter((m) => m.to === number).map((m) => ({ to: m.to ?? '', text: graphText(m), choices: graphChoices(m) }));
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
