import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { WebchatAck, WebchatClientToServer, WebchatMessage, WebchatServerToClient } from '../../channels/webchat/index.js';
import { silentLogger, type Clock, type Logger } from '../../core/ports/index.js';
import { createParley, type Parley } from '../../bin/app.js';
import { loadConfig } from '../../bin/config.js';
import type { PluginModule } from '../../bin/plugins/index.js';

export interface TestParley {
  parley: Parley;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** METRICS_TOKEN of every test Parley: `opsGet` sends it to read /health details and /metrics. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/** GET an operations endpoint (/health, /metrics) with the test METRICS_TOKEN. */
export function opsGet(url: string): Promise<Response> {
  return fetch(url, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
}

/** Start a real Parley (HTTP + Socket.IO on a free loopback port, SQLite in a temp dir). */
export async function startParley(env: Record<string, string> = {}, opts: { clock?: Clock; log?: Logger; plugins?: readonly PluginModule[] } = {}): Promise<TestParley> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  // Each interview message is graded at once unless a test sets a quiet period to coalesce split answers.
  env = { INTERVIEW_ANSWER_QUIET_MS: '0', ...env };
  // Every test client shares 127.0.0.1: per-address web chat limits stay out of the way unless a test sets them.
  const relaxed = { WEBCHAT_IP_RATE_LIMIT: '100000', WEBCHAT_NEW_SESSIONS_PER_IP: '100000' };
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_COMPANY_NAME: 'Acme', METRICS_TOKEN: TEST_METRICS_TOKEN, ...relaxed, ...env });
  const parley = await createParley({ ...config, PORT: 0 }, { log: opts.log ?? silentLogger, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.plugins ? { plugins: opts.plugins } : {}) });
  await parley.start();
  return {
    parley,
    url: parley.url,
    dataDir,
    async stop() {
      await parley.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A web chat candidate driven through the real Socket.IO contract.
 *
 * @example
 * const c = await ChatClient.connect(url);
 * await c.say('hi');
 * await c.waitForBot(/agree to continue/);
 */
export class ChatClient {
  readonly received: WebchatMessage[] = [];
  history: WebchatMessage[] = [];
  sessionId = '';
  conversationId = '';
  private seq = 0;

  private constructor(readonly socket: Socket<WebchatServerToClient, WebchatClientToServer>) {
    socket.on('message', (m) => this.received.push(m));
    socket.on('history', (h) => (this.history = h));
    socket.on('session', (s) => {
      this.sessionId = s.sessionId;
      // Set once the first message was accepted: connecting alone creates no conversation.
      if (s.conversationId) this.conversationId = s.conversationId;
    });
  }

  static async connect(url: string, sessionId?: string): Promise<ChatClient> {
    const socket: Socket<WebchatServerToClient, WebchatClientToServer> = io(`${url}/webchat`, {
      auth: sessionId ? { sessionId } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = new ChatClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('history', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  }

  say(text: string, clientMessageId = `c${++this.seq}-${Date.now()}`): Promise<WebchatAck> {
    return this.emitRaw({ text, clientMessageId });
  }

  emitRaw(payload: unknown): Promise<WebchatAck> {
    return new Promise((resolve) => (this.socket.emit as (ev: string, p: unknown, ack: (r: WebchatAck) => void) => void)('message', payload, resolve));
  }

  /** Wait until a bot/operator message matching `pattern` has arrived (after `from` received messages). */
  async waitForBot(pattern: RegExp, opts: { from?: number; timeoutMs?: number } = {}): Promise<WebchatMessage> {
    const deadline = Date.now() + (opts.timeoutMs ?? WAIT_TIMEOUT_MS);
    for (;;) {
      const hit = this.received.slice(opts.from ?? 0).find((m) => m.author !== 'candidate' && pattern.test(m.text));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`no bot message matching ${pattern} within timeout; got:\n${this.received.map((m) => `  [${m.author}] ${m.text}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Say something and wait for the reply matching `pattern`. */
  async ask(text: string, pattern: RegExp): Promise<WebchatMessage> {
    const from = this.received.length;
    const ack = await this.say(text);
    if (!ack.ok) throw new Error(`message rejected: ${ack.error}`);
    return this.waitForBot(pattern, { from });
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * How long waits for something that should happen (a reply, a stored row) poll before failing.
 * Generous so a loaded 2-core machine does not fail a correct test; a passing wait returns as
 * soon as the condition holds, so this costs nothing on a fast machine. Keep it under Jest's
 * 30 s test timeout so the failure names what was awaited.
 */
export const WAIT_TIMEOUT_MS = 20_000;

/** Wait until `check` returns true (polling), or fail with `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
