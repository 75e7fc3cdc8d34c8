/**
 * An audio attachment is a voice note: transcribed by the shared pipeline (OpenAI's API faked
 * with nock) and answered like text. Mail arrives through signed Mailgun posts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import type { TestParley } from './support/harness.js';
import { mimeMail, postMailgun } from './support/mailgun.js';
import type { TestSmtp } from './support/mail-servers.js';
import { startMailParley, type MailParley } from './support/mailing-parley.js';

const KEY = 'mailgun-signing-key-voice-0123';
const OGG = readFileSync(new URL('./__fixtures__/audio/my-name-is.ogg', import.meta.url));
const WHISPER = { task: 'transcribe', language: 'english', duration: 2.1, text: 'My name is Ana Lima.', segments: [] };
const ANA = 'ana@candidate.example';
let seq = 0;

function mail(body: string, attachment?: Buffer, type = 'audio/ogg; name="voice-note.ogg"', filename = 'voice-note.ogg', from = ANA): string {
  return mimeMail({ from: `Ana Lima <${from}>`, messageId: `voice-${++seq}@candidate.example`, body, ...(attachment ? { attachment: { data: attachment, contentType: type, filename } } : {}) });
}

async function post(app: TestParley, raw: string): Promise<void> {
  expect((await postMailgun(app.url, raw, KEY)).status).toBe(200);
}

describe('voice notes by email', () => {
  let smtp: TestSmtp;
  let app: TestParley;
  let mailer: MailParley;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    mailer = await startMailParley({ MAILGUN_SIGNING_KEY: KEY, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1' });
    ({ app, smtp } = mailer);
  }, 60_000);

  afterAll(async () => {
    await mailer?.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('an audio attachment is transcribed and answered like text; the audio is kept with its hash', async () => {
    const toAna = (re: RegExp) => (m: { to: string[]; parsed: { text?: string } }) => m.to.includes(ANA) && re.test(m.parsed.text ?? '');
    await post(app, mail('hi'));
    await smtp.waitFor(toAna(/agree to continue/), 1, 60_000);
    await post(app, mail('Yes, continue'));
    await smtp.waitFor(toAna(/What is your name/), 1, 60_000);
    const whisper = nock('http://openai.test').post('/v1/audio/transcriptions').reply(200, WHISPER);
    await post(app, mail('', OGG));
    await smtp.waitFor(toAna(/Nice to meet you, Ana Lima!/), 1, 60_000);
    expect(whisper.isDone()).toBe(true);
    const conversation = await app.parley.store.findConversationByRef({ channel: 'email', externalId: ANA });
    const voice = (await app.parley.store.listMessages(conversation!.id)).find((m) => m.direction === 'in' && m.kind === 'voice');
    expect(voice).toMatchObject({ text: 'My name is Ana Lima.', media: { mime: 'audio/ogg', sha256: createHash('sha256').update(OGG).digest('hex') } });
    expect(readFileSync(voice!.media!.storedPath!)).toEqual(OGG);
    expect(await app.parley.store.getCandidate(conversation!.candidateId)).toMatchObject({ name: 'Ana Lima' });
  }, 120_000);

  it('a PDF (a CV) is kept for the recruiter with the message, and the text is still the answer', async () => {
    const cv = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const who = 'cv@candidate.example';
    await post(app, mail('Hello, my CV is attached.', cv, 'application/pdf; name="Ana-Lima-CV.pdf"', 'Ana-Lima-CV.pdf', who));
    await smtp.waitFor((m) => m.to.includes(who) && /agree to continue/.test(m.parsed.text ?? ''), 1, 60_000);
    const conversation = await app.parley.store.findConversationByRef({ channel: 'email', externalId: who });
    const [message] = (await app.parley.store.listMessages(conversation!.id)).filter((m) => m.direction === 'in');
    expect(message).toMatchObject({ kind: 'text', text: 'Hello, my CV is attached.', media: { mime: 'application/pdf', size: cv.length } });
    expect(message!.media!.storedPath).toContain(app.dataDir);
    expect(readFileSync(message!.media!.storedPath!)).toEqual(cv);
  }, 120_000);
});
