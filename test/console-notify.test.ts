import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConsoleNotification } from '../operator-console/contract.js';
import { api, login } from '../operator-console/testing.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let token: string;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app?.stop();
});

async function newCandidateNotice(conversationId: string): Promise<ConsoleNotification> {
  let found: ConsoleNotification | undefined;
  await eventually(async () => {
    const list = (await api<{ notifications: ConsoleNotification[] }>(app.url, token, '/notifications')).body.notifications;
    found = list.find((n) => n.kind === 'new-candidate' && n.conversationId === conversationId);
    return found !== undefined;
  }, 'the new-candidate notification');
  return found!;
}

describe('"new candidate" notifications name the candidate', () => {
  it('by the phone number their channel gave (no name yet), and by channel when nothing is known', async () => {
    const received = await app.parley.engine.receive({
      ref: { channel: 'whatsapp', externalId: '4915112345678' },
      providerMessageId: 'wamid.naming-1',
      sender: { id: '4915112345678', phone: '+4915112345678' },
      kind: 'text',
      text: 'hello',
      receivedAt: new Date(),
    });
    const phoneNotice = await newCandidateNotice(received.conversationId);
    expect(phoneNotice).toMatchObject({ title: 'New candidate: +4915112345678', body: '+4915112345678 started a conversation on WhatsApp.' });

    const chat = await ChatClient.connect(app.url);
    await chat.say('hi');
    await eventually(() => chat.conversationId !== '', 'the conversation');
    expect(await newCandidateNotice(chat.conversationId)).toMatchObject({ title: 'New candidate on web chat', body: 'A candidate started a conversation on web chat.' });
    chat.socket.close();
  });
});
