/**
 * The core's own words to the candidate in their language: the takeover notices (a recruiter
 * joined / left, through the console) and the apology after a failed turn. Recruiters' own
 * messages are sent as written.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { SHARED_PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { ParleyError } from '../core/domain/index.js';
import { ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
});
afterAll(async () => {
  await app?.stop();
});

it('a Spanish-speaking candidate is told in Spanish who joined and left; the recruiter writes as written; the pending question comes back in Spanish', async () => {
  const c = await ChatClient.connect(app.url);
  await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  await c.ask('Sí, continuar', /¿Cómo te llamas\?/);
  const admin = await ConsoleClient.connect(app.url, (await login(app.url, 'admin@acme.test', PASSWORD)).token);
  await admin.ok('takeover', { conversationId: c.conversationId });
  const joined = await c.waitForBot(/se ha unido al chat/);
  expect(joined.text).toMatch(/^.+, del equipo de selección, se ha unido al chat\.$/);
  await admin.ok('message:send', { conversationId: c.conversationId, text: 'Hi! I only speak English, sorry.' });
  await c.waitForBot(/^Hi! I only speak English, sorry\.$/);
  const from = c.received.length;
  await admin.ok('handback', { conversationId: c.conversationId });
  await c.waitForBot(/^.+ ha salido del chat\. Sigo yo desde aquí\.$/, { from });
  await c.waitForBot(/^¡Genial, gracias! ¿Cómo te llamas\?$/, { from });
  admin.close();
  c.close();
});

/** Fails the turn when the candidate writes "boom" (stands in for any bug in a turn). */
const failing: PluginModule = {
  name: 'failing',
  async create() {
    return {
      name: 'failing',
      middleware: {
        commands: [
          async (turn, next) => {
            if (turn.message.text === 'boom') throw new ParleyError('INTERNAL', 'the test fails this turn');
            await next();
          },
        ],
      },
    };
  },
};

it('the apology after a failed turn is in the candidate language', async () => {
  const failingApp = await startParley({}, { plugins: [...SHARED_PLUGINS, failing] });
  try {
    const c = await ChatClient.connect(failingApp.url);
    await c.ask('Bonjour, je cherche un emploi', /Acceptez-vous de continuer \?$/);
    await c.ask('boom', /^Désolé, un problème est survenu de notre côté\. Renvoyez votre message dans un instant\.$/);
    c.close();
  } finally {
    await failingApp.stop();
  }
});
