import { DEFAULT_BANK_DIR, loadQuestionBanks } from '../../bots/interviewer/bank-loader.js';
import { scriptedCandidate, type CandidatePolicy } from '../__fixtures__/interview/candidates.js';
import { ChatClient } from './harness.js';

const NEXT = /^Question \d+: |That's the end of the interview/;

export interface ScriptedInterviewOptions {
  name: string;
  roleTitle: string;
  policy: CandidatePolicy;
  /** An answer of your own for some questions (by skill, level...); the scripted one otherwise. */
  answer?: (question: { id: string; skill: string; level: string }) => string | undefined;
}

/**
 * A whole interview over the web chat's Socket.IO entry point: consent, name, role, then every
 * question answered by the scripted candidate of test/__fixtures__/interview (or `answer`) until
 * the bot says it is over. Answers go out as soon as a question arrives (real time), so long
 * answers carry "too fast" integrity flags. Returns the client (its `conversationId` is set).
 */
export async function runScriptedInterview(url: string, opts: ScriptedInterviewOptions): Promise<ChatClient> {
  const scripted = await scriptedCandidate(opts.policy);
  const questions = [...(await loadQuestionBanks([DEFAULT_BANK_DIR])).values()].flatMap((b) => b.questions).sort((a, b) => b.text.length - a.text.length);
  const c = await ChatClient.connect(url);
  await c.ask('hi', /agree to continue/);
  await c.ask('Yes, continue', /What is your name/);
  await c.ask(opts.name, /Which role/);
  let last = await c.ask(opts.roleTitle, /^Question 1: /);
  for (let i = 0; i < 20; i++) {
    const question = questions.find((q) => last.text.includes(q.text));
    const reply = (question && opts.answer?.(question)) ?? scripted(last.text);
    if (reply === undefined) throw new Error(`not a bank question: ${last.text}`);
    const from = c.received.length;
    const ack = await c.say(reply);
    if (!ack.ok) throw new Error(`answer refused: ${ack.error}`);
    last = await c.waitForBot(NEXT, { from, timeoutMs: 20_000 });
    if (/That's the end of the interview/.test(last.text)) return c;
  }
  throw new Error('the interview did not end within 20 questions');
}
