/**
 * The candidate's language, end to end: detected from what they write (or the browser's language),
 * the whole intake in it on web chat and on WhatsApp (Twilio, REST faked with nock), `/language`
 * to switch, and a confirmation when the detector is unsure.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { io } from 'socket.io-client';
import type { WebchatMessage } from '../channels/webchat/index.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';
import { fakeTwilioSends, nockLoopbackOnly, postTwilio, TWILIO, TWILIO_WEBHOOK, twilioEnv, twilioText } from './support/whatsapp-webhooks.js';

let app: TestParley;

describe('web chat in the candidate language', () => {
  beforeAll(async () => {
    app = await startParley();
  });
  afterAll(async () => {
    await app.stop();
  });

  it('a Spanish speaker gets the whole intake in Spanish, then /language fr switches to French', async () => {
    const c = await ChatClient.connect(app.url);
    const consent = await c.ask('Hola, buenas tardes', /¿Estás de acuerdo en continuar\?/);
    expect(c.received.find((m) => m.author === 'bot')?.text).toBe(
      '¡Hola! Soy Parley, el asistente de selección de Acme. Te haré algunas preguntas sobre el puesto que te interesa y después una breve entrevista técnica aquí mismo, en el chat.',
    );
    expect(consent.choices?.map((x) => x.label)).toEqual(['Sí, continuar', 'No']);
    await c.ask('Sí, continuar', /^¡Genial, gracias! ¿Cómo te llamas\?$/);
    const roleQ = await c.ask('Me llamo Ana Lima', /^¡Encantado de conocerte, Ana Lima! ¿A qué puesto te presentas\?$/);
    expect(roleQ.choices?.map((x) => x.id)).toEqual(expect.arrayContaining(['react', 'python']));
    await c.ask('programador de cobol', /^Perdona, no conozco ese puesto\. Elige uno de estos:$/);
    await c.ask('Desarrollador React', /^¡Gracias, Ana Lima! Te presentas al puesto de React Developer\. Ahora viene una breve entrevista técnica/);
    // The interview starts right away, in Spanish; the bank has this question only in English.
    const q1 = await c.waitForBot(/^Pregunta 1: /);
    expect(q1.text).toMatch(/\nEsta pregunta solo está disponible en inglés; puedes responder en el idioma que prefieras\.$/);
    expect(c.received.some((m) => /^Empecemos tu entrevista técnica para React Developer\./.test(m.text))).toBe(true);
    await c.ask('/status', /^Ana Lima, tu candidatura para react: entrevista técnica en curso\.\nSiguiente paso: responde a la pregunta actual de la entrevista\.$/);
    const help = await c.ask('/help', /^Esto es lo que puedo hacer:/);
    expect(help.text).toContain('/language - elegir el idioma en el que te escribo');

    const from = c.received.length;
    await c.ask('/language fr', /^D'accord, je vous écris désormais en français\.$/);
    // The pending question is asked again, in French.
    const again = await c.waitForBot(/^Reprenons là où nous nous étions arrêtés\. Question 1 : /, { from });
    expect(again.text).toMatch(/\nCette question n'existe qu'en anglais ; vous pouvez répondre dans la langue de votre choix\.$/);
    await c.ask('/status', /^Ana Lima, votre candidature pour react : entretien technique en cours\./);
    const list = await c.ask('/language', /^Je vous écris en français\.\nJe peux écrire en : en \(English\), es \(Español\), pt \(Português\), fr \(Français\), de \(Deutsch\)\./);
    expect(list.author).toBe('bot');
    await c.ask('/language klingon', /^Désolé, je ne connais pas la langue « klingon »\./);
    c.close();
    const conversation = await app.parley.store.getConversation(c.conversationId);
    expect(conversation?.state.language).toMatchObject({ code: 'fr', source: 'chosen' });
  });

  it("takes the browser's language as the hint when the first words say nothing", async () => {
    const socket = io(`${app.url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' } });
    const received: WebchatMessage[] = [];
    socket.on('message', (m: WebchatMessage) => received.push(m));
    await new Promise<void>((resolve, reject) => {
      socket.once('history', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.emit('message', { text: 'ok', clientMessageId: 'de-1' }, () => undefined);
    await eventually(() => received.some((m) => /Sind Sie einverstanden, fortzufahren\?$/.test(m.text)), 'the consent question in German');
    expect(received.find((m) => m.author === 'bot')?.text).toMatch(/^Hallo! Ich bin Parley, der Recruiting-Assistent von Acme\./);
    socket.close();
  });

  it('asks when unsure, and the answer settles the language', async () => {
    const c = await ChatClient.connect(app.url);
    // Four words, two of them a name: the detector leans to Spanish but is not sure, so English stays and it asks.
    const ask = await c.ask('Me llamo Ana Lima', /^Parece que escribes en Español\. ¿Sigo en Español\?$/);
    expect(ask.choices?.map((x) => x.label)).toEqual(['Español', 'English']);
    expect(c.received.some((m) => /Do you agree to continue\?/.test(m.text))).toBe(true);
    await c.ask('Español', /^De acuerdo, a partir de ahora te escribo en español\.$/);
    // The pending consent question again, in Spanish.
    await c.waitForBot(/¿Estás de acuerdo en continuar\?$/);
    c.close();
  });
});

describe('WhatsApp (Twilio) in the candidate language', () => {
  let sent: URLSearchParams[];
  let seq = 0;

  async function say(body: string): Promise<void> {
    const res = await postTwilio(app.url, TWILIO_WEBHOOK, twilioText(body, `SMes${++seq}`), TWILIO);
    expect(res.status).toBe(200);
  }
  /** Send `body` and wait for a WhatsApp message to the candidate matching `pattern`. */
  async function ask(body: string, pattern: RegExp): Promise<string> {
    const from = sent.length;
    await say(body);
    await eventually(() => sent.slice(from).some((f) => pattern.test(f.get('Body') ?? '')), `a WhatsApp reply matching ${pattern}`);
    return sent.slice(from).find((f) => pattern.test(f.get('Body') ?? ''))!.get('Body')!;
  }

  nockLoopbackOnly();
  beforeEach(async () => {
    sent = [];
    fakeTwilioSends(TWILIO.api, TWILIO.accountSid, sent, { times: 100 });
    app = await startParley(twilioEnv());
  });
  afterEach(async () => {
    await app.stop();
    nock.cleanAll();
  });

  it('a Spanish speaker gets the whole intake in Spanish, with numbered choices, and /language fr switches', async () => {
    const consent = await ask('Hola, quiero trabajar con vosotros', /¿Estás de acuerdo en continuar\?/);
    expect(consent).toMatch(/\n1\. Sí, continuar\n2\. No$/);
    expect(sent[0]!.get('Body')).toMatch(/^¡Hola! Soy Parley, el asistente de selección de Acme\./);
    await ask('1', /^¡Genial, gracias! ¿Cómo te llamas\?$/);
    const roles = await ask('Soy Ana Lima', /^¡Encantado de conocerte, Ana Lima! ¿A qué puesto te presentas\?/);
    expect(roles).toMatch(/\n1\. /);
    await ask('React Developer', /^¡Gracias, Ana Lima! Te presentas al puesto de React Developer\./);
    await eventually(() => sent.some((f) => /^Pregunta 1: /.test(f.get('Body') ?? '')), 'the first question, framed in Spanish');
    await ask('/language fr', /^D'accord, je vous écris désormais en français\.$/);
    await eventually(() => sent.some((f) => /^Reprenons là où nous nous étions arrêtés\. Question 1 : /.test(f.get('Body') ?? '')), 'the question again, in French');
    expect(sent.every((f) => !/Do you agree|What is your name|Which role/.test(f.get('Body') ?? ''))).toBe(true);
  });
});
