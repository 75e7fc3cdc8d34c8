/**
 * The interview as a candidate lives it in the web chat (real Socket.IO entry point, shipped
 * banks, offline evaluator), with the scripted candidates of test/__fixtures__/interview: a
 * strong and a weak candidate are told apart; each skill gets its own boundary; an answer split
 * over several messages is graded once; an old button is refused; a topic the candidate already
 * explained is not asked again; nobody is left in silence after the interview or while waiting
 * for a recruiter. Time is a ManualClock: quiet periods and waits end when the test moves it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import { InterviewSessionSchema, type Assessment, type InterviewSession, type Question } from '../core/interview/index.js';
import { ManualClock, silentLogger } from '../core/ports/index.js';
import { resolveRiskConfig } from '../core/risk/index.js';
import type { JobsDeps } from '../jobs/index.js';
import { assessCandidate } from '../jobs/risk/index.js';
import { scriptedCandidate, type CandidatePolicy } from './__fixtures__/interview/candidates.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const banks = await loadQuestionBanks([DEFAULT_BANK_DIR]);
const allQuestions = [...banks.values()].flatMap((b) => b.questions);
const QUESTION = /^(Let's pick up where we left off\. )?Question (\d+): /;
const NEXT = /^Question \d+: |That's the end of the interview/;

let apps: TestParley[] = [];
let clients: ChatClient[] = [];
afterEach(async () => {
  clients.forEach((c) => c.close());
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  clients = [];
});

async function start(env: Record<string, string> = {}): Promise<{ app: TestParley; clock: ManualClock }> {
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const app = await startParley(env, { clock });
  apps.push(app);
  return { app, clock };
}

async function connect(app: TestParley): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url);
  clients.push(c);
  return c;
}

/** Generous: the suite must hold on a loaded machine. */
const WAIT = 15_000;

/** Say something and wait for the reply matching `pattern`. */
async function ask(c: ChatClient, text: string, pattern: RegExp) {
  const from = c.received.length;
  const ack = await c.say(text);
  if (!ack.ok) throw new Error(`message refused: ${ack.error}`);
  return c.waitForBot(pattern, { from, timeoutMs: WAIT });
}

/** Consent, name and role: returns the first question. */
async function intake(c: ChatClient, name: string, roleTitle: string) {
  await ask(c, 'hi', /agree to continue/);
  await ask(c, 'Yes, continue', /What is your name/);
  await ask(c, name, /Which role/);
  return ask(c, roleTitle, /^Question 1: /);
}

function questionIn(text: string): Question {
  const body = text.replace(QUESTION, '');
  const q = allQuestions.find((x) => x.text === body);
  if (!q) throw new Error(`not a bank question: ${text}`);
  return q;
}

async function session(app: TestParley, c: ChatClient): Promise<InterviewSession> {
  const conversation = await app.parley.store.getConversation(c.conversationId);
  return InterviewSessionSchema.parse(conversation?.state.interview);
}

async function assessment(app: TestParley, c: ChatClient): Promise<Assessment> {
  return (await app.parley.store.getConversation(c.conversationId))?.state.assessment as Assessment;
}

/** Answer every question with the scripted candidate (a minute to think each) until the end. */
async function interview(c: ChatClient, clock: ManualClock, policy: CandidatePolicy, first: { text: string }): Promise<Question[]> {
  const answer = await scriptedCandidate(policy);
  const asked: Question[] = [];
  let last = first;
  for (let i = 0; i < 20; i++) {
    asked.push(questionIn(last.text));
    clock.advance(60_000);
    const from = c.received.length;
    const ack = await c.say(answer(last.text) as string);
    if (!ack.ok) throw new Error(`answer refused: ${ack.error}`);
    last = await c.waitForBot(NEXT, { from, timeoutMs: WAIT });
    if (/That's the end of the interview/.test(last.text)) return asked;
  }
  throw new Error('the interview did not end within 20 questions');
}

describe('interview over the web chat', () => {
  it('tells a strong candidate from a weak one: clearly higher score, recommended; the weak one not', async () => {
    const { app, clock } = await start();
    const strong = await connect(app);
    const strongAsked = await interview(strong, clock, 'strong', await intake(strong, 'Strong Sam', 'Python Developer'));
    const weak = await connect(app);
    const weakAsked = await interview(weak, clock, 'weak', await intake(weak, 'Weak Will', 'Python Developer'));

    const s = await assessment(app, strong);
    const w = await assessment(app, weak);
    expect(['yes', 'strong-yes']).toContain(s.recommendation);
    expect(w.recommendation).toBe('no');
    expect(s.overallScore - w.overallScore).toBeGreaterThanOrEqual(30);
    expect(s.recommendationReasons.length).toBeGreaterThan(0);
    // The strong one climbs; the weak one never reaches the advanced questions and hits boundaries at fundamental.
    expect(strongAsked.some((q) => q.level === 'advanced' || q.level === 'expert')).toBe(true);
    expect(weakAsked.filter((q) => q.level === 'advanced' || q.level === 'expert')).toEqual([]);
    expect(Object.values(w.boundaries)).toContain('fundamental');
    // One score definition (docs/interview.md): a skill scores the level-weighted mean composite
    // of its answers; the overall score is the mean of the skill scores shown next to it.
    const weight = { warmup: 0.5, fundamental: 1, intermediate: 1.5, advanced: 2, expert: 2.5 };
    const score = (answers: InterviewSession['answers']) => Math.round((100 * answers.reduce((n, a) => n + weight[a.level] * a.composite, 0)) / answers.reduce((n, a) => n + weight[a.level], 0));
    for (const c of [strong, weak]) {
      const { answers } = await session(app, c);
      const a = await assessment(app, c);
      const asked = [...new Set(answers.map((x) => x.skill))];
      for (const skill of asked) expect(a.skillScores[skill]).toBe(score(answers.filter((x) => x.skill === skill)));
      expect(a.overallScore).toBe(Math.round(asked.reduce((n, skill) => n + a.skillScores[skill]!, 0) / asked.length));
    }
  }, 120_000);

  it('gives each skill its own boundary: strong in one skill, weak in another', async () => {
    const { app, clock } = await start();
    const c = await connect(app);
    const asked = await interview(c, clock, (q) => (q.skill === 'testing' ? 'weak' : 'strong'), await intake(c, 'Mixed Max', 'Python Developer'));
    const a = await assessment(app, c);
    expect(a.boundaries.testing).toBe('fundamental');
    expect(a.levelReached.testing).toBeUndefined();
    expect(a.strengths.map((s) => s.skill)).not.toContain('testing');
    expect(a.weaknesses.find((w) => w.skill === 'testing')?.summary).toMatch(/runs out at fundamental/);
    // Testing is never asked above fundamental once it failed there; the strong skills climb.
    expect(asked.filter((q) => q.skill === 'testing' && q.level !== 'warmup' && q.level !== 'fundamental')).toEqual([]);
    const strongSkills = Object.entries(a.levelReached).filter(([skill, level]) => skill !== 'testing' && level && level !== 'fundamental');
    expect(strongSkills.length).toBeGreaterThan(0);
    for (const [skill] of strongSkills) expect(a.boundaries[skill]).toBeUndefined();
  }, 120_000);

  it('never asks about a topic the candidate already explained', async () => {
    const { app, clock } = await start();
    const c = await connect(app);
    let last = await intake(c, 'Gil Gordon', 'Python Developer');
    // Vague on everything, so every skill is probed at fundamental, where the GIL question sits.
    const answer = await scriptedCandidate('weak');
    const gil = banks.get('python')!.questions.find((q) => /What is the GIL/.test(q.text))!;
    const asked: string[] = [];
    for (let i = 0; i < 20 && !/That's the end/.test(last.text); i++) {
      const q = questionIn(last.text);
      asked.push(q.id);
      // The second warmup answer explains the GIL in passing, in the candidate's own words.
      const text = i === 1 ? `${answer(last.text)} One thing I had to learn the hard way: the GIL, CPython's global interpreter lock, means only one thread executes bytecode at a time, so CPU-bound threads get no parallelism and we moved that work to multiple processes; I/O-bound threads are fine because the lock is released while waiting on network or disk.` : (answer(last.text) as string);
      clock.advance(60_000);
      const from = c.received.length;
      await c.say(text);
      last = await c.waitForBot(NEXT, { from, timeoutMs: WAIT });
    }
    expect(asked.length).toBeGreaterThanOrEqual(8);
    expect(asked).not.toContain(gil.id);
    // Concurrency was still explored, with other questions.
    expect(asked.some((id) => id.startsWith('python-concurrency-') && !id.includes('warmup'))).toBe(true);
  }, 120_000);

  it('grades an answer split over several messages once, after the quiet period, showing "typing" meanwhile', async () => {
    const { app, clock } = await start({ INTERVIEW_ANSWER_QUIET_MS: '4000' });
    const c = await connect(app);
    let typing = 0;
    c.socket.on('typing', () => typing++);
    const q1 = await intake(c, 'Split Sue', 'Python Developer');
    const parts = ['Most recently I built an internal invoicing service in FastAPI.', 'I owned the PDF generation and the nightly reconciliation job with pandas,', 'and I wrote the pytest suite for it.'];
    const from = c.received.length;
    const typingBefore = typing;
    for (const part of parts) {
      clock.advance(1500);
      expect((await c.say(part)).ok).toBe(true);
    }
    // Every part is processed and collected, and nothing is graded or asked yet.
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0 && (await session(app, c)).draft?.parts.length === 3, 'the three parts collected', WAIT);
    expect((await session(app, c)).answers).toHaveLength(0);
    expect(c.received.slice(from).filter((m) => m.author !== 'candidate')).toEqual([]);
    await eventually(() => typing > typingBefore, 'the typing indicator', WAIT);

    clock.advance(4000);
    const q2 = await c.waitForBot(/^Question 2: /, { from, timeoutMs: WAIT });
    expect(q2.text).not.toBe(q1.text);
    const s = await session(app, c);
    expect(s.answers).toHaveLength(1);
    expect(s.answers[0]).toMatchObject({ questionId: questionIn(q1.text).id, text: parts.join('\n'), parts: 3 });
    expect(s.draft).toBeUndefined();
    expect(c.received.slice(from).filter((m) => m.author !== 'candidate' && QUESTION.test(m.text))).toHaveLength(1);
  }, 60_000);

  it('keeps a collected answer across a restart and grades it once on the next start', async () => {
    const first = await start({ INTERVIEW_ANSWER_QUIET_MS: '4000' });
    const c = await connect(first.app);
    await intake(c, 'Crash Carl', 'Python Developer');
    await c.say('I built a Django shop backend.');
    await c.say('My part was payments and the test suite.');
    await eventually(async () => (await session(first.app, c)).draft?.parts.length === 2, 'both parts collected', WAIT);
    c.close();
    await first.app.parley.stop();

    const clock = new ManualClock(new Date(first.clock.now().getTime() + 10_000));
    const second = await startParley({ PARLEY_DATA_DIR: first.app.dataDir, INTERVIEW_ANSWER_QUIET_MS: '4000' }, { clock });
    apps.push(second);
    await eventually(async () => (await session(second, c)).answers.length === 1, 'the collected answer graded after the restart', WAIT);
    const s = await session(second, c);
    expect(s.answers[0]).toMatchObject({ text: 'I built a Django shop backend.\nMy part was payments and the test suite.', parts: 2 });
    expect(s.pending?.questionId).not.toBe(s.answers[0]?.questionId);
    const out = (await second.parley.store.listMessages(c.conversationId)).filter((m) => m.direction === 'out' && /^Question 2: /.test(m.text));
    expect(out).toHaveLength(1);
  }, 60_000);

  it('refuses an old button tapped mid-interview, and never grades it', async () => {
    const { app, clock } = await start();
    const c = await connect(app);
    const q1 = await intake(c, 'Tap Tom', 'React Developer');
    // The role chip of the intake question, tapped again (chips send their label).
    clock.advance(30_000);
    const refused = await ask(c, 'React Developer', /earlier message/);
    expect(refused.text).toContain(q1.text.replace(QUESTION, ''));
    expect((await session(app, c)).answers).toHaveLength(0);
    // A plain "No" (also the label of the consent button) may be a real answer: it is graded.
    await ask(c, 'No', /^Question 2: /);
    const s = await session(app, c);
    expect(s.answers).toHaveLength(1);
    expect(s.answers[0]?.text).toBe('No');
  }, 60_000);

  it('answers free text after the interview with what happens next', async () => {
    const { app, clock } = await start();
    const c = await connect(app);
    await interview(c, clock, 'weak', await intake(c, 'After Ann', 'Python Developer'));
    const reply = await ask(c, 'thanks! when will I hear back?', /recruiters are reviewing/);
    expect(reply.text).toMatch(/\/status/);
    expect(reply.text).toMatch(/\/human/);
  }, 120_000);

  it('pauses the interview while a recruiter is called in, and offers to continue when nobody comes', async () => {
    const { app, clock } = await start({ INTERVIEW_HUMAN_WAIT_MIN: '5' });
    const c = await connect(app);
    await intake(c, 'Garble Gus', 'Python Developer');
    let from = c.received.length;
    for (const noise of ['qwx zvbn plok', 'mmm trrr vvv', 'xq zzp blorf']) {
      clock.advance(20_000);
      from = c.received.length;
      await c.say(noise);
      await c.waitForBot(/./, { from, timeoutMs: WAIT });
    }
    const escalated = await c.waitForBot(/asked one of our recruiters/, { from, timeoutMs: WAIT });
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'the turn to finish', WAIT);
    // "A recruiter will join shortly" is not followed by the next question.
    expect(c.received.slice(from).filter((m) => m.author !== 'candidate').map((m) => m.text)).toEqual([escalated.text]);
    const waiting = await ask(c, 'hello?', /paused/);
    expect(waiting.text).not.toMatch(QUESTION);
    // What a nudge (or anything resuming the conversation) would say meanwhile: not the next question.
    expect(app.parley.services.pendingPrompt?.((await app.parley.store.getConversation(c.conversationId))!)?.text).toMatch(/paused/);

    clock.advance(5 * 60_000);
    const offer = await c.waitForBot(/no recruiter could join/, { from: c.received.length - 1, timeoutMs: WAIT });
    expect(offer.choices?.map((x) => x.label)).toEqual(['Continue', 'Wait for a recruiter']);
    const resumed = await ask(c, 'Continue', /^Let's pick up where we left off\. Question \d+: /);
    expect(questionIn(resumed.text)).toBeDefined();
  }, 60_000);

  it('does not flag a candidate who asked for their data to be deleted as at risk or needing a human', async () => {
    const { app, clock } = await start();
    const c = await connect(app);
    await intake(c, 'Del Dana', 'Python Developer');
    clock.advance(60_000);
    await ask(c, '/delete', /delete your data/);
    await ask(c, 'Yes, delete my data', /deletion request is recorded/);
    const conversation = await app.parley.store.getConversation(c.conversationId);
    // The risk assessment the jobs run after every candidate event, awaited here (a deterministic marker).
    const deps = { store: app.parley.store, clock, bus: { publish() {}, subscribe: () => () => {} }, log: silentLogger } as unknown as JobsDeps;
    await assessCandidate(deps, resolveRiskConfig(), conversation!.candidateId);
    expect(await app.parley.store.listEvents({ candidateId: conversation!.candidateId, types: ['CandidateAtRisk', 'HumanRequested', 'NeedsHumanFlagged'] })).toEqual([]);
    expect((await app.parley.store.getConversation(c.conversationId))?.needsHuman).toBe(false);
  }, 60_000);
});
