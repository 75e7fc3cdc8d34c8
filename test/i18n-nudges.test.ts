/**
 * A nudge to a candidate who went quiet is in their language, with the pending question in it.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const H = 3_600_000;
let app: TestParley;
const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

beforeAll(async () => {
  app = await startParley({ JOBS_PROCESS_EVERY_MS: '50', NUDGE_DELAYS: '2h,24h', NUDGE_MAX: '2' }, { clock });
});
afterAll(async () => {
  await app?.stop();
});

it('a Spanish-speaking candidate who stops mid-intake is nudged in Spanish with the question again', async () => {
  const c = await ChatClient.connect(app.url);
  await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  const from = c.received.length;
  await c.ask('Sí, continuar', /¿Cómo te llamas\?$/);
  clock.advance(2 * H);
  const nudge = await c.waitForBot(/^¿Sigues ahí\?/, { from });
  expect(nudge.text).toBe('¿Sigues ahí? Cuando quieras, responde aquí y seguimos donde lo dejamos.\n\n¡Genial, gracias! ¿Cómo te llamas?');
  c.close();
});
