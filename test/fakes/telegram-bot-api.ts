import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { SHARED_PLUGINS, type PluginModule } from '../../bin/plugins/index.js';
import { startParley, type TestParley } from '../support/harness.js';

/** One Bot API call as the fake saw it (failed ones included). */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** The HTTP status the fake answered with. */
  status: number;
  /** What a successful call returned. */
  result?: unknown;
  /** When the fake answered (ms since the epoch): sends-per-second checks. */
  at?: number;
}

export interface ScriptedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

interface StoredFile {
  path: string;
  data: Buffer;
}

interface Waiter {
  offset: number;
  respond: (updates: unknown[]) => void;
}

/**
 * A fake Telegram Bot API server on 127.0.0.1 for tests (point `TELEGRAM_API_ROOT` at `url`).
 * Implements the methods Parley calls, records every call, serves files for `getFile`, holds
 * `getUpdates` long polls until an update is queued, and fails calls on demand (429 with
 * `retry_after`, 403 blocked, 5xx).
 *
 * @example
 * const fake = await FakeTelegramBotApi.start();
 * fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
 * fake.pushUpdate(update); // delivered to a polling bot
 * fake.sentTo(42) // [{ chat_id: 42, text: '...' }]
 */
export class FakeTelegramBotApi {
  readonly token = '123456789:FAKE-test-token_abcdefghijklmnopqrs';
  readonly calls: RecordedCall[] = [];
  private readonly errors = new Map<string, ScriptedError[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly updates: { update_id: number }[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextMessageId = 1000;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeTelegramBotApi> {
    const server = createServer();
    const fake = new FakeTelegramBotApi(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The API root, without a trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot sent successfully to a chat. */
  sentTo(chatId: number | string): { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } }[] {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && c.status === 200 && String(c.payload.chat_id) === String(chatId))
      .map((c) => c.payload as { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } });
  }

  /** The next `times` calls to `method` fail with this error. */
  failNext(method: string, error: ScriptedError, times = 1): void {
    const queue = this.errors.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.errors.set(method, queue);
  }

  /** Serve a file for `getFile(fileId)` and the download URL. */
  addFile(fileId: string, data: Buffer, path = `voice/${fileId}.oga`): void {
    this.files.set(fileId, { path, data });
  }

  /** Queue an update for `getUpdates` (long polling). */
  pushUpdate(update: { update_id: number }): void {
    this.updates.push(update);
    for (const waiter of [...this.waiters]) {
      const ready = this.pending(waiter.offset);
      if (ready.length > 0) waiter.respond(ready);
    }
  }

  async stop(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.respond([]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.download(res, file[1] as string, decodeURIComponent(file[2] as string));
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = call as unknown as [string, string, string];
    const payload = await readJson(req);
    if (token !== this.token) return this.answer(res, method, payload, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const scripted = this.errors.get(method)?.shift();
    if (scripted) return this.answer(res, method, payload, scripted.error_code, { ...scripted, ok: false });
    if (method === 'getUpdates') return this.getUpdates(req, res, payload);
    const result = this.result(method, payload);
    if (result === undefined) return this.answer(res, method, payload, 400, { ok: false, error_code: 400, description: `Bad Request: method ${method} not implemented by the fake` });
    if (result instanceof Error) return this.answer(res, method, payload, 400, { ok: false, error_code: 400, description: result.message });
    this.answer(res, method, payload, 200, { ok: true, result });
  }


  private result(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return { id: 123456789, is_bot: true, first_name: 'Parley', username: 'parley_test_bot' };
      case 'sendMessage':
        return { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id), type: 'private' }, text: p.text };
      case 'sendVoice':
        return { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id), type: 'private' }, voice: { file_id: `sent-voice-${this.nextMessageId}`, file_unique_id: `u-${this.nextMessageId}`, duration: Number(p.duration ?? 0) } };
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setWebhook':
      case 'deleteWebhook':
        return true;
      case 'getFile': {
        const f = this.files.get(String(p.file_id));
        if (!f) return new Error('Bad Request: invalid file_id');
        return { file_id: p.file_id, file_unique_id: `u-${String(p.file_id)}`, file_size: f.data.length, file_path: f.path };
      }
      default:
        return undefined;
    }
  }

  private getUpdates(req: IncomingMessage, res: ServerResponse, payload: Record<string, unknown>): void {
    const offset = typeof payload.offset === 'number' ? payload.offset : 0;
    // Updates below the offset are confirmed: Telegram forgets them.
    while (this.updates.length > 0 && (this.updates[0] as { update_id: number }).update_id < offset) this.updates.shift();
    // Recorded on arrival (a long poll may be held for seconds); the result is filled in on answer.
    const call: RecordedCall = { method: 'getUpdates', payload, status: 0 };
    this.calls.push(call);
    const respond = (updates: unknown[]) => {
      Object.assign(call, { status: 200, result: updates });
      send(res, 200, { ok: true, result: updates });
    };
    const ready = this.pending(offset);
    const timeoutSec = typeof payload.timeout === 'number' ? payload.timeout : 0;
    if (ready.length > 0 || timeoutSec === 0) return respond(ready);
    const waiter: Waiter = {
      offset,
      respond: (updates) => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        if (!res.writableEnded && !res.destroyed) respond(updates);
      },
    };
    const timer = setTimeout(() => waiter.respond([]), timeoutSec * 1000);
    this.waiters.add(waiter);
    req.on('close', () => {
      if (!res.writableEnded) waiter.respond([]);
    });
  }

  private pending(offset: number): unknown[] {
    return this.updates.filter((u) => u.update_id >= offset);
  }

  private download(res: ServerResponse, token: string, path: string): void {
    const file = [...this.files.values()].find((f) => f.path === path);
    this.calls.push({ method: 'download', payload: { path }, status: token === this.token && file ? 200 : 404 });
    if (token !== this.token || !file) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.data.length });
    res.end(file.data);
  }

  private answer(res: ServerResponse, method: string, payload: Record<string, unknown>, status: number, body: { ok: boolean; result?: unknown; [key: string]: unknown }): void {
    this.calls.push({ method, payload, status, at: Date.now(), ...(body.ok ? { result: body.result } : {}) });
    send(res, status, body);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = req.headers['content-type'] ?? '';
  // File uploads (sendVoice, sendDocument) come as multipart: fields as strings, files as { filename, data }.
  if (type.startsWith('multipart/form-data')) return readMultipart(Buffer.concat(chunks), type);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { _unparsed: raw };
  }
}

/**
 * grammY's multipart (headers without spaces, unquoted file names, the file sent as
 * `voice=attach://<field>` with the bytes in that field): fields as strings, files as
 * `{ filename, data }` in place of their `attach://` reference.
 */
function readMultipart(body: Buffer, type: string): Record<string, unknown> {
  const boundary = Buffer.from(`--${/boundary=("?)([^";]+)\1/.exec(type)?.[2] ?? ''}`);
  const fields: Record<string, string | { filename: string; data: Buffer }> = {};
  let at = body.indexOf(boundary);
  while (at >= 0) {
    const start = at + boundary.length + 2;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('latin1');
    const data = part.subarray(split + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="?([^";\r\n]+)/.exec(head)?.[1];
    if (name) fields[name] = filename ? { filename, data: Buffer.from(data) } : data.toString('utf8');
    at = next;
  }
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== 'string') continue;
    const ref = /^attach:\/\/(.+)$/.exec(value)?.[1];
    payload[key] = ref && fields[ref] ? fields[ref] : value;
  }
  return payload;
}

type Json = Record<string, unknown>;
const FIXTURES = new URL('../__fixtures__/telegram/', import.meta.url);

/**
 * A recorded update from `test/__fixtures__/telegram/`, re-addressed: new update id, chat and
 * user id, message id, and optionally text, callback data or voice file.
 *
 * @example
 * telegramUpdate('text', { updateId: 1, chatId: 42, messageId: 7, text: 'hello' })
 */
export function telegramUpdate(
  name: string,
  o: { updateId: number; chatId: number; userId?: number; messageId?: number; text?: string; data?: string; fileId?: string; duration?: number; keyboardMessage?: Json; senderName?: string },
): Json {
  const update = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Json;
  update.update_id = o.updateId;
  const m = (update.message ?? update.edited_message) as Json | undefined;
  const q = update.callback_query as Json | undefined;
  const userId = o.userId ?? o.chatId;
  if (m) {
    (m.chat as Json).id = o.chatId;
    (m.from as Json).id = userId;
    if (o.senderName) Object.assign(m.from as Json, { first_name: o.senderName, last_name: undefined, username: undefined });
    if (o.messageId !== undefined) m.message_id = o.messageId;
    if (o.text !== undefined) {
      m.text = o.text;
      if (o.text.startsWith('/')) m.entities = [{ offset: 0, length: o.text.split(/\s/)[0]!.length, type: 'bot_command' }];
    }
    const voice = (m.voice ?? m.audio) as Json | undefined;
    if (voice && o.fileId) voice.file_id = o.fileId;
    if (voice && o.duration !== undefined) voice.duration = o.duration;
  }
  if (q) {
    (q.from as Json).id = userId;
    q.id = `cbq-${o.updateId}`;
    if (o.keyboardMessage) q.message = o.keyboardMessage;
    ((q.message as Json).chat as Json).id = o.chatId;
    if (o.data !== undefined) q.data = o.data;
  }
  return update;
}

/**
 * One Telegram user talking to Parley: posts updates to the webhook (or queues them on the fake
 * for long polling) and reads the bot's replies from the fake's recorded `sendMessage` calls.
 *
 * @example
 * const ana = new TelegramChat(fake, { webhook: `${url}/webhooks/telegram`, secret }, 555);
 * await ana.ask('hi', /Do you agree/);
 * await ana.press('Yes, continue', /What is your name/);
 */
export class TelegramChat {
  private static nextUpdateId = 900_000_000;
  private nextMessageId = 1;

  /** A fresh update id, higher than every one used so far (Telegram's ids only grow). */
  static updateId(): number {
    return TelegramChat.nextUpdateId++;
  }

  constructor(
    readonly fake: FakeTelegramBotApi,
    readonly delivery: { webhook: string; secret: string } | 'polling',
    readonly chatId: number,
    /** The sender's Telegram first name (the fixture's "Ana Lima" when unset). */
    readonly senderName?: string,
  ) {}

  /** Everything the bot sent this chat, oldest first. */
  get replies(): { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } }[] {
    return this.fake.sentTo(this.chatId);
  }

  /** Deliver an update built from a fixture; returns the webhook status (200 when polling). */
  async send(name: string, o: Partial<Parameters<typeof telegramUpdate>[1]> = {}): Promise<number> {
    const update = telegramUpdate(name, { updateId: TelegramChat.updateId(), chatId: this.chatId, messageId: this.nextMessageId++, ...(this.senderName ? { senderName: this.senderName } : {}), ...o });
    return this.deliver(update);
  }

  async deliver(update: Json, secret?: string | null): Promise<number> {
    if (this.delivery === 'polling') {
      this.fake.pushUpdate(update as { update_id: number });
      return 200;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = secret === undefined ? this.delivery.secret : secret;
    if (token !== null) headers['x-telegram-bot-api-secret-token'] = token;
    const res = await fetch(this.delivery.webhook, { method: 'POST', headers, body: JSON.stringify(update) });
    return res.status;
  }

  async say(text: string): Promise<number> {
    return this.send('text', { text });
  }

  /** Say something and wait for a reply matching `pattern`. */
  async ask(text: string, pattern: RegExp): Promise<string> {
    const from = this.replies.length;
    expect200(await this.say(text));
    return this.waitForBot(pattern, from);
  }

  /** Press the button labelled `label` on the latest keyboard and wait for `pattern`. */
  async press(label: string, pattern: RegExp): Promise<string> {
    const from = this.replies.length;
    expect200(await this.tap(label));
    return this.waitForBot(pattern, from);
  }

  /** Press the button labelled `label` on the latest keyboard; returns the webhook status. */
  async tap(label: string): Promise<number> {
    const call = [...this.fake.callsTo('sendMessage')].reverse().find((c) => String(c.payload.chat_id) === String(this.chatId) && c.status === 200 && JSON.stringify(c.payload.reply_markup ?? '').includes(label));
    if (!call) throw new Error(`no keyboard with "${label}" was sent to ${this.chatId}`);
    const markup = call.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const button = markup.inline_keyboard.flat().find((b) => b.text === label)!;
    const message = { ...(call.result as Json), reply_markup: markup, from: { id: 123456789, is_bot: true, first_name: 'Parley' } };
    return this.send('callback-query', { data: button.callback_data, keyboardMessage: message });
  }

  async waitForBot(pattern: RegExp, from = 0, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.replies.slice(from).find((r) => pattern.test(r.text));
      if (hit) return hit.text;
      if (Date.now() > deadline) throw new Error(`no reply matching ${pattern} in chat ${this.chatId}; got:\n${this.replies.map((r) => `  ${r.text}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function expect200(status: number): void {
  if (status !== 200) throw new Error(`webhook answered ${status}`);
}

/**
 * Like the harness's `startParley`, with an explicit plugin list: tests of the Telegram plugin
 * pick which neighbours they run beside (a stand-in interview, a scheduling service...).
 */
export function startParleyWith(env: Record<string, string>, plugins: readonly PluginModule[]): Promise<TestParley> {
  // What every conversation has whatever the channel (STOP, voice notes, edits, /interview).
  return startParley(env, { plugins: [...SHARED_PLUGINS, ...plugins] });
}
