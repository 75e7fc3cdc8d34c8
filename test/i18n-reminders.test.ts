/**
 * An interview reminder reaches a Spanish-speaking candidate in Spanish, with the date in Spanish
 * (Intl in the candidate's locale), through the real jobs scheduler on web chat.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

let app: TestParley;
const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

beforeAll(async () => {
  app = await startParley({ JOBS_PROCESS_EVERY_MS: '50', NUDGE_DELAYS: '30d', NUDGE_MAX: '1' }, { clock });
});
afterAll(async () => {
  await app?.stop();
});

it('a Spanish-speaking candidate gets the 24 h interview reminder in Spanish', async () => {
  const c = await ChatClient.connect(app.url);
  await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  await app.parley.services.scheduleInterview!(c.conversationId, new Date('2026-03-04T14:00:00Z'), { link: 'https://meet.example/acme-ana', timeZone: 'America/New_York', actor: 'operator:op_1' });
  clock.set(new Date('2026-03-03T14:00:00Z'));
  const reminder = await c.waitForBot(/^Recordatorio/);
  expect(reminder.text).toBe('Recordatorio: tu entrevista con Acme empieza dentro de 24 horas, el miércoles 4 de marzo a las 09:00 (America/New_York).\nÚnete aquí: https://meet.example/acme-ana');
  c.close();
});
