/**
 * A CV sent as a document on Telegram goes through the same reader as a web chat upload: fetched
 * with getFile from the fake Bot API, sniffed, kept, read; the role is offered on an inline
 * keyboard; `/cv` adds the LLM's written paragraph when a key is set (OpenAI-compatible server
 * mocked with nock). A document named .pdf whose bytes are not a PDF is refused.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { cvSlice } from '../core/cv/index.js';
import { FakeTelegramBotApi, TelegramChat, telegramUpdate } from './fakes/telegram-bot-api.js';
import { cvPdf, PYTHON_CV } from './support/cv-fixtures.js';
import { eventually, startParley, type TestParley } from './support/harness.js';

const SECRET = 'cv-secret';
const WRITTEN = 'Your Python and Django work reads well. Add how you test your services.';
let fake: FakeTelegramBotApi;
let app: TestParley;
let nextChat = 740_000_001;
let nextFile = 1;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  fake = await FakeTelegramBotApi.start();
  app = await startParley({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://openai.test/v1' });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app.stop();
  await fake.stop();
  nock.enableNetConnect();
});

async function atRoleQuestion(name: string): Promise<TelegramChat> {
  const c = new TelegramChat(fake, { webhook: `${app.url}/webhooks/telegram`, secret: SECRET }, nextChat++);
  await c.ask('hi', /Do you agree/);
  await c.press('Yes, continue', /What is your name\?/);
  await c.ask(name, /Which role/);
  return c;
}

/** Send `data` as a Telegram document named `fileName` (declared application/pdf, as Telegram does for .pdf). */
async function sendDocument(c: TelegramChat, data: Buffer, fileName: string): Promise<string> {
  const fileId = `cv-file-${nextFile++}`;
  fake.addFile(fileId, data, `documents/${fileId}.pdf`);
  const update = telegramUpdate('document', { updateId: TelegramChat.updateId(), chatId: c.chatId, messageId: 100 + nextFile });
  const message = update.message as { document: Record<string, unknown> };
  Object.assign(message.document, { file_id: fileId, file_name: fileName, mime_type: 'application/pdf', file_size: data.length });
  expect(await c.deliver(update)).toBe(200);
  return fileId;
}

const cvFiles = () => (existsSync(join(app.dataDir, 'cv')) ? readdirSync(join(app.dataDir, 'cv')) : []);

describe('CVs on Telegram', () => {
  it('a PDF document is read, Python Developer is offered on a keyboard, and /cv adds the written feedback', async () => {
    const c = await atRoleQuestion('Ana Lima');
    const from = c.replies.length;
    const fileId = await sendDocument(c, await cvPdf(PYTHON_CV), 'ana-lima-cv.pdf');
    expect(await c.waitForBot(/I've read your CV/, from)).toBe("Thanks, I've read your CV. I found: Python, Django, FastAPI, asyncio, Celery, PostgreSQL. About 8 years of experience.");
    await c.waitForBot(/Your CV looks like a Python, Django, FastAPI profile: apply for Python Developer\?/, from);
    expect(fake.callsTo('getFile').map((x) => x.payload.file_id)).toContain(fileId);
    await c.press('Apply for Python Developer', /You're applying for Python Developer/);

    const llm = nock('http://openai.test')
      .post('/v1/chat/completions', (body: { messages?: { content?: string }[] }) => JSON.stringify(body.messages ?? []).includes('You review CVs'))
      .reply(200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: WRITTEN }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } });
    const feedback = await c.ask('/cv', /Your CV for Python Developer/);
    expect(feedback).toContain("It doesn't mention: Testing and quality.");
    expect(feedback.endsWith(`\n\n${WRITTEN}`)).toBe(true);
    expect(llm.isDone()).toBe(true);
    const conversation = await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) });
    expect(cvSlice.read(conversation!)?.feedback).toMatchObject({ role: 'python', lacks: ['Testing and quality'], written: WRITTEN });
    // The file is kept under the data folder, linked from its message (retention and erasure delete it from there).
    const stored = (await app.parley.store.listMessages(conversation!.id)).find((m) => m.media?.storedPath);
    expect(stored?.media).toMatchObject({ mime: 'application/pdf', storedPath: join(app.dataDir, 'cv', `${stored!.id}.pdf`) });
  });

  it('a document named .pdf that is not a PDF is refused and not kept', async () => {
    const c = await atRoleQuestion('Bruno Costa');
    const before = cvFiles();
    const from = c.replies.length;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);
    await sendDocument(c, png, 'bruno-cv.pdf');
    expect(await c.waitForBot(/doesn't look like a PDF/, from)).toBe("That file doesn't look like a PDF or Word (.docx) document, so I couldn't read it. Could you send your CV as a PDF or DOCX?");
    const conversation = await app.parley.store.findConversationByRef({ channel: 'telegram', externalId: String(c.chatId) });
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'the turn to finish');
    expect(cvSlice.read(conversation!)).toBeUndefined();
    expect(cvFiles()).toEqual(before);
  });
});
