/**
 * Slot offers in the candidate's language: a Spanish-speaking candidate on web chat is asked for
 * their zone, offered slots (labels dated in Spanish by Intl), books one, and cancels it, all in
 * Spanish; availability comes over the real scheduling API.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ManualClock } from '../core/ports/index.js';
import { login } from '../operator-console/testing.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let token: string;
const clock = new ManualClock(new Date('2026-03-02T09:00:00Z')); // Monday

const rest = (method: string, path: string, body?: unknown) =>
  fetch(`${app.url}/api/v1/scheduling${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, SCHEDULING_OFFER_COUNT: '2', SCHEDULING_SLOT_MINUTES: '45' }, { clock });
  token = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
  expect((await rest('PUT', '/recruiters/rita', { name: 'Rita', timeZone: 'Europe/Lisbon', weekly: { tue: [['10:00', '11:30']] } })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await app?.stop();
});

it('a Spanish-speaking candidate is offered interview slots, books and cancels in Spanish', async () => {
  const c = await ChatClient.connect(app.url);
  await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  expect(await (await rest('POST', `/conversations/${c.conversationId}/offer`)).json()).toEqual({ result: 'asked-zone' });
  await c.waitForBot(/^Antes de proponerte horarios: ¿en qué zona horaria estás\?/);
  const offer = await c.ask('Madrid', /^Vamos a reservar/);
  expect(offer.text).toBe('Vamos a reservar tu entrevista con Acme. Estos son los próximos horarios libres (Europe/Madrid). Responde con el número del que te venga bien:\n1. martes 3 de marzo a las 11:00\n2. martes 3 de marzo a las 11:45');
  expect(offer.choices?.map((ch) => ch.label)).toEqual(['martes 3 de marzo a las 11:00', 'martes 3 de marzo a las 11:45']);
  // A button press that sends the (Spanish) label picks that slot.
  const booked = await c.ask('martes 3 de marzo a las 11:45', /^Reservado/);
  expect(booked.text).toBe('Reservado: martes 3 de marzo a las 11:45 (Europe/Madrid). Te llegará una invitación de calendario.');
  const cancelled = await c.ask('/cancel', /^Hecho: tu entrevista/);
  expect(cancelled.text).toBe('Hecho: tu entrevista del martes 3 de marzo a las 11:45 (Europe/Madrid) está cancelada. Te llegará la cancelación del calendario. Escribe /reschedule si quieres otra hora.');
  c.close();
});
