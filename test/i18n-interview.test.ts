/**
 * The interview in the candidate's language: a bank's question translation is asked as is; the
 * offline grader's assessment says it graded answers in another language as written, or could not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

let app: TestParley;

beforeAll(async () => {
  // The Rust fixture bank, each question with a Spanish translation the test writes itself.
  const bank = parse(readFileSync(join(import.meta.dirname, '../bots/interviewer/__fixtures__/banks-extra/rust.yaml'), 'utf8')) as { questions: { id: string; translations?: Record<string, string> }[] };
  for (const q of bank.questions) q.translations = { es: `Pregunta traducida ${q.id}: ¿cómo funciona?` };
  const dir = mkdtempSync(join(tmpdir(), 'parley-banks-'));
  writeFileSync(join(dir, 'rust.yaml'), stringify(bank));
  app = await startParley({ INTERVIEW_BANK_DIRS: dir, INTERVIEW_MIN_QUESTIONS: '2', INTERVIEW_MAX_QUESTIONS: '2' });
});
afterAll(async () => {
  await app.stop();
});

describe('the interview in Spanish', () => {
  it("asks the bank's translation, and the offline assessment says the Spanish answers were graded as written", async () => {
    const c = await ChatClient.connect(app.url);
    await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
    await c.ask('Sí', /¿Cómo te llamas\?/);
    await c.ask('Me llamo Ana Lima', /¿A qué puesto te presentas\?/);
    const from = c.received.length;
    await c.ask('Rust Developer', /Te presentas al puesto de Rust Developer/);
    const q1 = await c.waitForBot(/^Pregunta 1: /, { from });
    expect(q1.text).toMatch(/^Pregunta 1: Pregunta traducida rust-[a-z]+-[a-z]+-\d: ¿cómo funciona\?$/);
    await c.ask('El ownership en Rust significa que cada valor tiene un único dueño y se libera cuando el dueño sale del ámbito.', /^Pregunta 2: Pregunta traducida /);
    await c.ask('Los traits definen comportamiento compartido entre tipos, parecido a las interfaces de otros lenguajes.', /^Aquí termina la entrevista\. ¡Gracias, Ana Lima!/);
    await eventually(async () => (await app.parley.store.getConversation(c.conversationId))?.state.assessment !== undefined, 'the assessment');
    const assessment = (await app.parley.store.getConversation(c.conversationId))!.state.assessment as { recommendationReasons: string[] };
    // Both answers were Spanish and the grader found words to match: graded as written, and said so.
    expect(assessment.recommendationReasons).toContain(
      "2 of 2 answers were in Español and the offline grader graded them as written, without translation (it matches the English rubric's terms): their scores may understate them. Set OPENAI_API_KEY for grading across languages.",
    );
    c.close();
  });
});
