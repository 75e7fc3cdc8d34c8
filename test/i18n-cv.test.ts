/**
 * CV replies in the candidate's language: a Spanish-speaking web chat candidate uploads a PDF CV
 * through POST /chat/cv and is answered, offered the role and given `/cv` feedback in Spanish.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { cvPdf, PYTHON_CV } from './support/cv-fixtures.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

let app: TestParley;

beforeAll(async () => {
  app = await startParley({});
});
afterAll(async () => {
  await app?.stop();
});

it('a Spanish-speaking candidate gets the CV replies and /cv feedback in Spanish', async () => {
  const c = await ChatClient.connect(app.url);
  await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
  await c.ask('Sí, continuar', /¿Cómo te llamas\?$/);
  await c.ask('Me llamo Ana Lima', /¿A qué puesto te presentas\?/);
  const from = c.received.length;
  const res = await fetch(`${app.url}/chat/cv`, { method: 'POST', headers: { authorization: `Bearer ${c.sessionId}`, 'x-file-name': 'ana-lima-cv.pdf', 'content-type': 'application/pdf' }, body: new Uint8Array(await cvPdf(PYTHON_CV)) });
  expect(res.status).toBe(201);
  const read = await c.waitForBot(/^Gracias, he leído tu CV/, { from });
  expect(read.text).toBe('Gracias, he leído tu CV. He encontrado: Python, Django, FastAPI, asyncio, Celery, PostgreSQL. Alrededor de 8 años de experiencia.');
  const offer = await c.waitForBot(/^Tu CV parece/, { from });
  expect(offer.text).toBe('Tu CV parece un perfil de Python, Django, FastAPI: ¿te presentas a Python Developer?');
  expect(offer.choices?.[0]).toEqual({ id: 'python', label: 'Presentarme a Python Developer' });
  await c.ask('Python Developer', /Python Developer/);
  const feedback = await c.ask('/cv', /^Tu CV para Python Developer:/);
  // The skills are the bank's topic names, as the bank writes them.
  expect(feedback.text.split('\n')[1]).toBe('Muestra: Core language and data model, Concurrency and async, Web APIs and packaging.');
  c.close();
});
