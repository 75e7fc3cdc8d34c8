/**
 * Batched console pushes (issue 13) through the whole product: an operator console socket that
 * opted in (`auth: { token, batch: 1 }`) receives, unpacked from its `batch` events, exactly the
 * pushes a plain socket of the same operator receives as single events, in the same order, over
 * a conversation's life (the candidate's messages, a takeover, an operator reply, a note, a
 * handback, the list rows, timeline events of the watched conversation, labels), in fewer packets;
 * the plain socket is unchanged. The transport's own cases: test/console-batch.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_ROLES } from '../bin/app.js';
import { intakePrompt, intakeSlice } from '../bots/intake/index.js';
import { addOperator } from '../operator-console/index.js';
import { api, ConsoleClient, login } from '../operator-console/testing.js';
import { connectRecorder, type Recorder } from './support/console-recorder.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: string;
let ana: string;


beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  app.parley.services.pendingPrompt ??= (c) => intakePrompt(intakeSlice.read(c), DEFAULT_ROLES);
  await addOperator(app.parley.ports.operators, { email: 'ana@acme.test', name: 'Ana Recruiter', role: 'recruiter', password: PASSWORD }, new Date());
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  ana = (await login(app.url, 'ana@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  await app.stop();
});

function connect(token: string, batch: boolean): Promise<Recorder> {
  return connectRecorder(app.url, token, batch);
}

function watch(r: Recorder, conversationId: string): Promise<{ ok: boolean }> {
  return new Promise((resolve) => r.socket.emit('conversation:watch', { conversationId }, resolve));
}

describe('console: batched pushes through the product', () => {
  it('gives an opted-in socket the same pushes, in the same order, as a plain one, in fewer packets', async () => {
    const plain = await connect(admin, false);
    const batched = await connect(admin, true);
    const anaConsole = await ConsoleClient.connect(app.url, ana);
    try {
      const c = await ChatClient.connect(app.url);
      await c.ask('hi', /Do you agree to continue\?/);
      await c.ask('yes', /What is your name\?/);
      expect(await watch(plain, c.conversationId)).toMatchObject({ ok: true });
      expect(await watch(batched, c.conversationId)).toMatchObject({ ok: true });

      await anaConsole.ok('takeover', { conversationId: c.conversationId });
      await c.waitForBot(/has joined the chat/);
      await anaConsole.ok('message:send', { conversationId: c.conversationId, text: 'Hi, I am Ana from Acme.' });
      await c.waitForBot(/I am Ana from Acme/);
      await anaConsole.ok('note:add', { conversationId: c.conversationId, text: 'Asked about salary' });
      await anaConsole.ok('handback', { conversationId: c.conversationId });
      await c.ask('My name is Lee Park', /Nice to meet you, Lee Park!/);
      // Everything the turns and actions push has been emitted: a last push marks the end.
      await app.parley.engine.idle();
      expect((await api(app.url, admin, '/labels', { method: 'POST', body: { name: 'End marker' } })).status).toBe(201);
      const ended = (r: Recorder) => r.pushes.some(([event, p]) => event === 'labels' && JSON.stringify(p).includes('End marker'));
      await eventually(() => ended(plain) && ended(batched), 'the end marker on both sockets');

      const kinds = new Set(plain.pushes.map(([event]) => event));
      for (const kind of ['message', 'conversation:upsert', 'takeover', 'handback', 'note', 'event', 'labels']) expect(kinds).toContain(kind);
      expect(batched.pushes).toEqual(plain.pushes);
      // The plain socket gets every push as its own event and no batch; the opted-in one only batches.
      expect(plain.packets.filter(([event]) => event !== 'hello')).toEqual(plain.pushes);
      const batchedEvents = new Set(batched.packets.map(([event]) => event));
      expect([...batchedEvents].sort()).toEqual(['batch', 'hello']);
      // A turn's pushes to everyone leave in one packet (38 pushes in 21 packets when written).
      expect(batched.packets.length - 1).toBeLessThan(batched.pushes.length);
    } finally {
      plain.socket.close();
      batched.socket.close();
      anaConsole.close();
    }
  });
});
