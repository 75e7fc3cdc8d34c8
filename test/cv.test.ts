/**
 * CVs end to end: a web chat candidate uploads a generated PDF and DOCX through POST /chat/cv
 * (authenticated by the session secret the socket handed out); the CV is read offline, the role
 * its skills fit is offered with buttons, `/cv` gives feedback for the role, and the recruiter
 * reads the same skills, years and feedback from the console's REST API. A file named .pdf that
 * is not one is refused; an erasure removes the stored CV.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_API_BASE } from '../operator-console/index.js';
import { api, login } from '../operator-console/testing.js';
import { cvDocx, cvPdf, PYTHON_CV, REACT_CV } from './support/cv-fixtures.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;
let admin: string;
const chats: ChatClient[] = [];

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, JOBS_PROCESS_EVERY_MS: '50', JOBS_LOCK_LIFETIME_MS: '1000' });
  admin = (await login(app.url, 'admin@acme.test', PASSWORD)).token;
});
afterAll(async () => {
  for (const c of chats) c.close();
  await app.stop();
});

function upload(secret: string, data: Buffer, name: string, type = 'application/octet-stream'): Promise<Response> {
  return fetch(`${app.url}/chat/cv`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'x-file-name': encodeURIComponent(name), 'content-type': type }, body: new Uint8Array(data) });
}

/** A candidate who consented and gave their name: intake waits for the role. */
async function atRoleQuestion(name: string): Promise<ChatClient> {
  const c = await ChatClient.connect(app.url);
  chats.push(c);
  await c.ask('hi', /Do you agree/);
  await c.ask('Yes, continue', /What is your name/);
  await c.ask(name, /Which role/);
  return c;
}

const cvFiles = () => (existsSync(join(app.dataDir, 'cv')) ? readdirSync(join(app.dataDir, 'cv')) : []);

describe('CV upload from the web chat', () => {
  it('a PDF is read, Python Developer is suggested with buttons, /cv gives feedback, and the console shows the same', async () => {
    const c = await atRoleQuestion("I'm Ana Lima");
    const from = c.received.length;
    const res = await upload(c.sessionId, await cvPdf(PYTHON_CV), 'ana-lima-cv.pdf');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ ok: true, format: 'pdf' });
    const read = await c.waitForBot(/I've read your CV/, { from });
    expect(read.text).toBe("Thanks, I've read your CV. I found: Python, Django, FastAPI, asyncio, Celery, PostgreSQL. About 8 years of experience.");
    const offer = await c.waitForBot(/Your CV looks like/, { from });
    expect(offer.text).toBe('Your CV looks like a Python, Django, FastAPI profile: apply for Python Developer?');
    expect(offer.choices?.[0]).toEqual({ id: 'python', label: 'Apply for Python Developer' });
    await c.ask('Apply for Python Developer', /You're applying for Python Developer/);

    const feedback = await c.ask('/cv', /Your CV for Python Developer/);
    expect(feedback.text).toBe(
      [
        'Your CV for Python Developer:',
        'It shows: Core language and data model, Concurrency and async, Web APIs and packaging.',
        "It doesn't mention: Testing and quality. If you have experience there, add it to your CV.",
      ].join('\n'),
    );

    const { status, body } = await api<{ cv: Record<string, unknown> }>(app.url, admin, `/conversations/${c.conversationId}/cv`);
    expect(status).toBe(200);
    expect(body.cv).toMatchObject({
      format: 'pdf',
      skills: ['Python', 'Django', 'FastAPI', 'asyncio', 'Celery', 'PostgreSQL'],
      years: 8,
      suggestedRole: 'python',
      feedback: { role: 'python', shows: ['Core language and data model', 'Concurrency and async', 'Web APIs and packaging'], lacks: ['Testing and quality'] },
    });
    // The recruiter can download the file itself.
    const file = await fetch(`${app.url}${body.cv.file as string}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a DOCX is read the same way and suggests React Developer', async () => {
    const c = await atRoleQuestion('Bruno Costa');
    const from = c.received.length;
    expect((await upload(c.sessionId, await cvDocx(REACT_CV), 'bruno.docx')).status).toBe(201);
    expect((await c.waitForBot(/I've read your CV/, { from })).text).toBe("Thanks, I've read your CV. I found: React, React Hooks, Redux, TypeScript. About 3 years of experience.");
    const offer = await c.waitForBot(/Your CV looks like/, { from });
    expect(offer.text).toBe('Your CV looks like a React, React Hooks, Redux profile: apply for React Developer?');
    expect(offer.choices?.[0]).toEqual({ id: 'react', label: 'Apply for React Developer' });
  });

  it('a CV sent before the role question is suggested when intake asks for the role', async () => {
    const c = await ChatClient.connect(app.url);
    chats.push(c);
    await c.ask('hi', /Do you agree/);
    await c.ask('Yes, continue', /What is your name/);
    const from = c.received.length;
    expect((await upload(c.sessionId, await cvPdf(PYTHON_CV), 'cv.pdf')).status).toBe(201);
    await c.waitForBot(/I've read your CV/, { from });
    const after = c.received.length;
    await c.ask('Carla Dias', /Which role/);
    const offer = await c.waitForBot(/Your CV looks like/, { from: after });
    expect(offer.text).toBe('Your CV looks like a Python, Django, FastAPI profile: apply for Python Developer?');
  });

  it('refuses a file named .pdf that is not a PDF (415), an unknown session (401), and a file over 5 MB (413)', async () => {
    const c = await atRoleQuestion('Dora Reis');
    const before = cvFiles();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
    const refused = await upload(c.sessionId, png, 'my-cv.pdf', 'application/pdf');
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual({ error: "That file isn't a PDF or Word (.docx) document." });
    // A ZIP that is not a Word document is refused too.
    expect((await upload(c.sessionId, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]), 'cv.docx')).status).toBe(415);
    expect((await upload('x'.repeat(24), await cvPdf(PYTHON_CV), 'cv.pdf')).status).toBe(401);
    expect((await upload(c.sessionId, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024 + 1)]), 'big.pdf')).status).toBe(413);
    expect(cvFiles()).toEqual(before);
    const stored = await app.parley.store.listMessages(c.conversationId);
    expect(stored.filter((m) => m.media)).toEqual([]);
  });

  it('an erasure deletes the stored CV and what was read from it', async () => {
    const c = await atRoleQuestion('Eva Nunes');
    const from = c.received.length;
    expect((await upload(c.sessionId, await cvPdf(PYTHON_CV), 'eva.pdf')).status).toBe(201);
    await c.waitForBot(/I've read your CV/, { from });
    const message = (await app.parley.store.listMessages(c.conversationId)).find((m) => m.media?.storedPath);
    const path = message!.media!.storedPath!;
    expect(existsSync(path)).toBe(true);
    const conversation = await app.parley.store.getConversation(c.conversationId);
    const created = await fetch(`${app.url}${PUBLIC_API_BASE}/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ats', scope: 'admin' }) });
    const { key } = (await created.json()) as { key: string };
    const erased = await fetch(`${app.url}${PUBLIC_API_BASE}/candidates/${conversation!.candidateId}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
    expect(erased.status).toBe(202);
    await eventually(async () => (await app.parley.store.listEvents({ candidateId: conversation!.candidateId, types: ['ErasureCompleted'] })).length === 1, 'the erasure');
    expect(existsSync(path)).toBe(false);
    expect((await api<{ cv: unknown }>(app.url, admin, `/conversations/${c.conversationId}/cv`)).body.cv).toBeNull();
  });
});
