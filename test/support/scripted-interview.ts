import { scriptedCandidate, type CandidatePolicy } from '../__fixtures__/interview/candidates.js';
import { ChatClient } from './harness.js';

const NEXT = /^Question \d+: |That's the end of the interview/;

/**
 * A whole interview over the web chat's Socket.IO entry point: consent, name, role, then every
 * question answered by the scripted candidate of test/__fixtures__/interview until the bot says
 * it is over. Answers go out as soon as a question arrives (real time), so long answers carry
 * "too fast" integrity flags. Returns the client (its `conversationId` is set).
 */
export async function runScriptedInterview(url: string, opts: { name: string; roleTitle: string; policy: CandidatePolicy }): Promise<ChatClient> {
  const answer = await scriptedCandidate(opts.policy);
  const c = await ChatClient.connect(url);
  await c.ask('hi', /agree to continue/);
  await c.ask('Yes, continue', /What is your name/);
  await c.ask(opts.name, /Which role/);
  let last = await c.ask(opts.roleTitle, /^Question 1: /);
  for (let i = 0; i < 20; i++) {
    const reply = answer(last.text);
    if (reply === undefined) throw new Error(`not a bank question: ${last.text}`);
    const from = c.received.length;
    const ack = await c.say(reply);
    if (!ack.ok) throw new Error(`answer refused: ${ack.error}`);
    last = await c.waitForBot(NEXT, { from, timeoutMs: 20_000 });
    if (/That's the end of the interview/.test(last.text)) return c;
  }
  throw new Error('the interview did not end within 20 questions');
}
