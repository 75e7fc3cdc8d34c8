import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

/**
 * With no operator connected the console's live feed builds no pushes (no list rows, no message
 * payloads), but what the list shows later is still kept: unread counts, the preview, the
 * needs-human flag and its notification. An operator who signs in afterwards sees all of it.
 */
const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let token: string;

interface Row {
  id: string;
  unread: number;
  needsHuman: boolean;
  lastMessage?: { text: string; author: string };
}

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app.stop();
});

async function rowOf(conversationId: string): Promise<Row | undefined> {
  const list = await api<{ conversations: Row[] }>(app.url, token, '/conversations?filter=all');
  return list.body.conversations.find((r) => r.id === conversationId);
}

describe('console feed with no operator connected', () => {
  it('keeps unread counts, the preview and the needs-human flag for the operator who signs in later', async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree to continue\?/);
    await c.ask('yes', /What is your name\?/);
    const from = c.received.length;
    await c.say('/human');
    const reply = await c.waitForBot(/./, { from });
    await app.parley.engine.idle();
    // The last reply is the preview once the feed has handled every event (a marker, not a sleep).
    await eventually(async () => (await rowOf(c.conversationId))?.lastMessage?.text === reply.text, 'the list row to show the last reply');
    expect(await rowOf(c.conversationId)).toMatchObject({ unread: 3, needsHuman: true, lastMessage: { author: 'bot', text: reply.text } });

    const operator = await ConsoleClient.connect(app.url, token);
    try {
      const notices = await api<{ notifications: { conversationId?: string; kind: string }[] }>(app.url, token, '/notifications');
      expect(notices.body.notifications.filter((n) => n.conversationId === c.conversationId && n.kind === 'needs-human')).toHaveLength(1);
      // Connected now: the next message is pushed live with its list row.
      const row = operator.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.unread === 4, 15_000);
      await c.say('Ana Lima');
      expect(await row).toMatchObject({ needsHuman: true });
    } finally {
      operator.close();
      c.close();
    }
  });
});
