import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConversationSummary } from '../operator-console/contract.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { PREVIEW_LENGTH } from '../operator-console/wire.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

/**
 * The list row's "last message" is read from the messages when the list is read (issue 13: a
 * reply writes no console marks), the marks keep the unread count. What operators see is what
 * they saw when every reply rewrote the marks: the newest message the candidate got or sent, an
 * operator's with their name, the unread count and the urgency order, in the API and in the
 * live pushes alike.
 */
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let token: string;
let adminName: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  const session = await login(app.url, 'admin@acme.test', PASSWORD);
  token = session.token;
  adminName = session.operator.name;
});
afterAll(async () => {
  await app.stop();
});

async function rows(ids: readonly string[]): Promise<ConversationSummary[]> {
  const list = await api<{ conversations: ConversationSummary[] }>(app.url, token, '/conversations?filter=all');
  return list.body.conversations.filter((r) => ids.includes(r.id));
}

/** The newest message the candidate got (bot, operator or system), as the list previews it (its start). */
function lastReceived(c: ChatClient): string | undefined {
  return c.received.filter((m) => m.author !== 'candidate').at(-1)?.text.slice(0, PREVIEW_LENGTH);
}

describe('conversation list previews after replies', () => {
  it('show the last reply, unread counts and the urgency order through the API and the live pushes', async () => {
    const operator = await ConsoleClient.connect(app.url, token);
    const a = await ChatClient.connect(app.url);
    const b = await ChatClient.connect(app.url);
    try {
      await a.ask('hi', /Do you agree to continue\?/);
      await a.ask('yes', /What is your name\?/);
      await b.ask('hi', /Do you agree to continue\?/);
      await app.parley.engine.idle();
      const ids = [a.conversationId, b.conversationId];
      // Every reply sent and handled (a marker, not a sleep): each row previews its last one.
      await eventually(async () => {
        const listed = await rows(ids);
        const preview = (c: ChatClient) => listed.find((r) => r.id === c.conversationId)?.lastMessage?.text;
        return preview(a) === lastReceived(a) && preview(b) === lastReceived(b);
      }, 'both rows to preview their last reply');
      // Two unread against one: a comes first although b wrote last.
      expect(await rows(ids)).toMatchObject([
        { id: a.conversationId, unread: 2, lastMessage: { author: 'bot', text: lastReceived(a) } },
        { id: b.conversationId, unread: 1, lastMessage: { author: 'bot', text: lastReceived(b) } },
      ]);
      // The operator online got the same rows pushed with the last reply.
      await operator.waitFor('conversation:upsert', (s) => s.id === a.conversationId && s.unread === 2 && s.lastMessage?.text === lastReceived(a));
      await operator.waitFor('conversation:upsert', (s) => s.id === b.conversationId && s.unread === 1 && s.lastMessage?.text === lastReceived(b));

      // An operator's reply is the preview with their name; reading clears the count.
      await operator.ok('takeover', { conversationId: b.conversationId });
      await b.waitForBot(/has joined the chat/);
      await operator.ok('message:send', { conversationId: b.conversationId, text: 'Hi, the recruiter here' });
      await b.waitForBot(/^Hi, the recruiter here$/);
      await operator.ok('conversation:read', { conversationId: b.conversationId });
      await eventually(async () => (await rows([b.conversationId]))[0]?.lastMessage?.text === 'Hi, the recruiter here', 'the operator reply as the preview');
      expect((await rows([b.conversationId]))[0]).toMatchObject({ unread: 0, lastMessage: { author: 'operator', authorName: adminName, text: 'Hi, the recruiter here' } });
      await operator.waitFor('conversation:upsert', (s) => s.id === b.conversationId && s.lastMessage?.authorName === adminName);

      // The candidate answers in human mode (no bot reply follows): their message is the preview, counted.
      await b.say('Thanks, see you');
      await app.parley.engine.idle();
      await eventually(async () => (await rows([b.conversationId]))[0]?.unread === 1, 'the answer counted unread');
      // Still two unread against one: a first, b (written to last) after it.
      expect(await rows(ids)).toMatchObject([
        { id: a.conversationId, unread: 2, lastMessage: { author: 'bot', text: lastReceived(a) } },
        { id: b.conversationId, unread: 1, lastMessage: { author: 'candidate', text: 'Thanks, see you' } },
      ]);
      await operator.waitFor('conversation:upsert', (s) => s.id === b.conversationId && s.unread === 1 && s.lastMessage?.text === 'Thanks, see you');
    } finally {
      operator.close();
      a.close();
      b.close();
    }
  });
});
