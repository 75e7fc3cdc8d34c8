/**
 * The adaptive interview over the real web chat entry point, with the shipped question banks
 * and the offline rubric evaluator. The scripted candidates of test/__fixtures__/interview answer
 * each question they are actually asked: the strong one correctly and in detail, in their own
 * words (not the rubric's), the weak one vaguely or wrongly.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../bots/interviewer/bank-loader.js';
import type { Question, RoleBank } from '../core/interview/index.js';
import { scriptedCandidate } from './__fixtures__/interview/candidates.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const banks = await loadQuestionBanks([DEFAULT_BANK_DIR]);
const react = banks.get('react') as RoleBank;

let apps: TestParley[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
});

function questionFor(text: string): Question {
  const body = text.replace(/^(Let's pick up where we left off\. )?Question \d+: /, '');
  const q = react.questions.find((x) => x.text === body);
  if (!q) throw new Error(`asked something not in the react bank: ${text}`);
  return q;
}

const strongScript = await scriptedCandidate('strong');
const weakScript = await scriptedCandidate('weak');
const strongAnswer = (q: Question) => strongScript(q.text) as string;
const weakAnswer = (q: Question) => weakScript(q.text) as string;

async function intake(c: ChatClient, name: string): Promise<void> {
  await c.ask('hi', /agree to continue/);
  await c.ask('yes', /What is your name/);
  await c.ask(name, /Which role/);
}

/** Answer questions until the interview completes; returns the levels of the questions asked. */
async function interview(c: ChatClient, answer: (q: Question) => string): Promise<Question[]> {
  const asked: Question[] = [];
  let last = await c.ask('React Developer', /^Question 1: /);
  for (let i = 0; i < 20; i++) {
    const q = questionFor(last.text);
    asked.push(q);
    const from = c.received.length;
    await c.say(answer(q));
    last = await c.waitForBot(/^Question \d+: |That's the end of the interview/, { from });
    if (/That's the end of the interview/.test(last.text)) return asked;
  }
  throw new Error('interview did not complete within 20 questions');
}

async function assessmentOf(app: TestParley, c: ChatClient) {
  const conversation = await app.parley.store.getConversation(c.conversationId);
  return conversation?.state.assessment as { overallScore: number; recommendation: string; skillScores?: unknown; boundaries?: unknown; strengths: unknown[]; weaknesses: unknown[] };
}

describe('adaptive interview over web chat', () => {
  it('takes a strong candidate to advanced or expert and a weak one to a boundary at fundamental, and ranks them', async () => {
    const app = await startParley();
    apps.push(app);

    const strong = await ChatClient.connect(app.url);
    await intake(strong, 'Strong Sam');
    const strongAsked = await interview(strong, strongAnswer);
    expect(strongAsked.some((q) => q.level === 'advanced' || q.level === 'expert')).toBe(true);
    expect(strongAsked.length).toBeGreaterThanOrEqual(8);
    expect(strongAsked.length).toBeLessThanOrEqual(15);

    const weak = await ChatClient.connect(app.url);
    await intake(weak, 'Weak Will');
    const weakAsked = await interview(weak, weakAnswer);
    expect(weakAsked.some((q) => q.level === 'intermediate' || q.level === 'advanced' || q.level === 'expert')).toBe(false);

    const s = await assessmentOf(app, strong);
    const w = await assessmentOf(app, weak);
    expect(s.overallScore).toBeGreaterThan(w.overallScore);
    expect(JSON.stringify(w.boundaries ?? {})).toMatch(/fundamental|warmup/);
    expect(s.strengths.length).toBeGreaterThan(0);
    expect(w.weaknesses.length).toBeGreaterThan(0);

    const candidate = await app.parley.store.getCandidate((await app.parley.store.getConversation(strong.conversationId))!.candidateId);
    expect(candidate?.stage).toBe('assessed');
    const events = await app.parley.store.listEvents({ conversationId: strong.conversationId, types: ['InterviewStarted', 'InterviewCompleted'] });
    expect(events.map((e) => e.type)).toEqual(['InterviewStarted', 'InterviewCompleted']);
    await strong.ask('/status', /assessment with the recruiters/);
    strong.close();
    weak.close();
  }, 60_000);

  it('asks the pending question again after a restart, with the history intact', async () => {
    const first = await startParley();
    const c = await ChatClient.connect(first.url);
    await intake(c, 'Rita Restart');
    const q1 = await c.ask('react', /^Question 1: /);
    const from = c.received.length;
    await c.say(strongAnswer(questionFor(q1.text)));
    const q2 = await c.waitForBot(/^Question 2: /, { from });
    c.close();
    await first.parley.stop();

    // A new process on the same data directory.
    const second = await startParley({ PARLEY_DATA_DIR: first.dataDir });
    apps.push(second);
    const again = await ChatClient.connect(second.url, c.sessionId);
    expect(again.history.map((m) => m.text)).toContain(q2.text);
    const pending = second.parley.services.pendingPrompt?.((await second.parley.store.getConversation(c.conversationId))!);
    expect(pending?.text).toContain(q2.text.replace(/^Question 2: /, ''));
    const before = again.received.length;
    await again.say(strongAnswer(questionFor(q2.text)));
    await again.waitForBot(/^Question 3: /, { from: before });
    await eventually(async () => (await second.parley.store.listPendingInbound()).length === 0, 'turn to finish');
    again.close();
  }, 60_000);
});
