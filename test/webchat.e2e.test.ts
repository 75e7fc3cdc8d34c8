import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatClient, eventually, opsGet, startParley, type TestParley } from './support/harness.js';

let app: TestParley;
beforeAll(async () => {
  app = await startParley();
});
afterAll(async () => {
  await app.stop();
});

describe('web chat: intake over the Socket.IO contract', () => {
  it('greets, asks consent, name and role, confirms, and resumes with history after reconnecting', async () => {
    const c = await ChatClient.connect(app.url);
    expect(c.sessionId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(c.history).toEqual([]);
    // Nothing exists until the first message is accepted.
    expect(c.conversationId).toBe('');

    const consent = await c.ask('hi', /Do you agree to continue\?/);
    expect(c.conversationId).toMatch(/^conv_/);
    expect(consent.choices?.map((x) => x.label)).toEqual(['Yes, continue', 'No']);
    expect(c.received.some((m) => /recruiting assistant for Acme/.test(m.text))).toBe(true);
    await c.ask('Yes, continue', /What is your name\?/);
    const roleQ = await c.ask("I'm Ana Lima", /Nice to meet you, Ana Lima! Which role/);
    expect(roleQ.choices?.map((x) => x.id)).toEqual(expect.arrayContaining(['react', 'python', 'javascript', 'fullstack']));
    await c.ask('cobol wizard', /don't know that role/);
    const done = await c.ask('React Developer', /You're applying for React Developer/);
    expect(done.author).toBe('bot');
    // The interview plugin starts the interview right after intake.
    await c.ask('/status', /Ana Lima, your application for react: technical interview in progress/);
    c.close();

    const again = await ChatClient.connect(app.url, c.sessionId);
    expect(again.conversationId).toBe(c.conversationId);
    const texts = again.history.map((m) => `${m.author}: ${m.text}`);
    expect(texts[0]).toBe('candidate: hi');
    expect(texts).toContain("candidate: I'm Ana Lima");
    expect(texts.filter((t) => t.includes("You're applying for React Developer"))).toHaveLength(1);
    expect(again.history.map((m) => m.createdAt)).toEqual([...again.history.map((m) => m.createdAt)].sort());
    again.close();

    const candidate = await app.parley.store.getCandidate((await app.parley.store.getConversation(c.conversationId))!.candidateId);
    expect(candidate).toMatchObject({ name: 'Ana Lima', role: 'react', stage: 'interviewing' });
    expect(candidate?.consentAt).toBeInstanceOf(Date);
  });

  it('answers /help and /status before intake, and points unknown commands to /help', async () => {
    const c = await ChatClient.connect(app.url);
    const help = await c.ask('/help', /Here is what I can do/);
    expect(help.text).toContain('/status');
    await c.ask('/status', /Your application: just started/);
    await c.ask('/frobnicate', /I don't know the command \/frobnicate/);
    c.close();
  });

  it('stores and answers a repeated clientMessageId once', async () => {
    const c = await ChatClient.connect(app.url);
    const first = await c.say('hi', 'same-id-1');
    const second = await c.say('hi', 'same-id-1');
    expect(first).toMatchObject({ ok: true });
    expect(second).toEqual({ ok: true, id: (first as { id: string }).id, duplicate: true });
    await c.waitForBot(/Do you agree/);
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turn to finish');
    const stored = await app.parley.store.listMessages(c.conversationId);
    expect(stored.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(stored.filter((m) => /Do you agree/.test(m.text))).toHaveLength(1);
    expect(c.received.filter((m) => /Do you agree/.test(m.text))).toHaveLength(1);
    c.close();
  });

  it('rejects malformed payloads with an error ack and keeps serving other conversations', async () => {
    const bad = await ChatClient.connect(app.url);
    const other = await ChatClient.connect(app.url);
    const cases: [unknown, RegExp][] = [
      [{ clientMessageId: 'x1' }, /text must be a string/],
      [{ text: '', clientMessageId: 'x2' }, /must not be empty/],
      [{ text: 'a'.repeat(1_000_000), clientMessageId: 'x3' }, /at most 4000 characters/],
      [{ text: 42, clientMessageId: 'x4' }, /text must be a string/],
      [{ text: 'hi', clientMessageId: { nope: true } }, /clientMessageId must be a string/],
      ['just a string', /expected object|Invalid input/i],
      [null, /expected object|Invalid input/i],
    ];
    for (const [payload, error] of cases) {
      const ack = await bad.emitRaw(payload);
      expect(ack.ok).toBe(false);
      expect(ack.ok ? '' : ack.error).toMatch(error);
    }
    expect(bad.socket.connected).toBe(true);
    expect(await app.parley.store.listMessages(bad.conversationId)).toEqual([]);
    await other.ask('hi', /Do you agree/);
    bad.close();
    other.close();
  });

  it('keeps order within a conversation when messages arrive back to back', async () => {
    const c = await ChatClient.connect(app.url);
    await Promise.all([c.say('hi'), c.say('yes'), c.say('Bo Chen')]);
    await c.waitForBot(/Nice to meet you, Bo Chen/);
    await eventually(async () => (await app.parley.store.listPendingInbound()).length === 0, 'turns to finish');
    const bot = c.received.filter((m) => m.author === 'bot').map((m) => m.text);
    expect(bot.findIndex((t) => /agree/.test(t))).toBeLessThan(bot.findIndex((t) => /name\?/.test(t)));
    c.close();
  });
});

describe('operations endpoints', () => {
  it('reports health, readiness and Prometheus metrics', async () => {
    const health = (await (await opsGet(`${app.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', mode: 'embedded', version: '0.1.0' });
    expect(typeof health.uptimeSec).toBe('number');
    expect(await (await fetch(`${app.url}/ready`)).json()).toEqual({ ready: true });
    const metrics = await (await opsGet(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_inbound_messages_total\{channel="webchat",outcome="accepted",node="[^"]+"\} \d+/);
    expect(metrics).toMatch(/parley_turn_duration_seconds_bucket/);
    expect(metrics).toMatch(/parley_queue_depth\{node="[^"]+"\} \d+/);
  });

  it('serves the chat page and the embeddable widget', async () => {
    const page = await fetch(`${app.url}/chat`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/webchat/chat.js');
    const widget = await fetch(`${app.url}/widget.js`);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(await widget.text()).toContain('/chat?embed=1');
    expect((await fetch(`${app.url}/webchat/chat.js`)).status).toBe(200);
    expect((await fetch(`${app.url}/socket.io/socket.io.min.js`)).status).toBe(200);
  });
});
