/**
 * A console operator driven through the real REST + Socket.IO contract, for tests and
 * benchmarks (like botbuilder's TestAdapter). Not used by the server.
 *
 * @example
 * const { token } = await login(url, 'ana@acme.test', 'secret-pass');
 * const ana = await ConsoleClient.connect(url, token);
 * const r = await ana.request('takeover', { conversationId });
 */
import { io, type Socket } from 'socket.io-client';
import { CONSOLE_NAMESPACE, type Ack, type ClientToServerEvents, type LoginResponse, type ServerToClientEvents } from './contract.js';

type ServerEvent = keyof ServerToClientEvents;
type Payload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
type RequestEvent = { [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [unknown, unknown] ? E : never }[keyof ClientToServerEvents];
type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[1] extends (r: infer R) => void ? R : never;

const SERVER_EVENTS: ServerEvent[] = ['hello', 'conversation:upsert', 'message', 'takeover', 'handback', 'typing', 'candidate:typing', 'alert:at-risk', 'notification', 'note', 'event', 'session:expired', 'labels', 'saved-filters'];

/** POST /api/v1/auth/login; throws with the server's message when refused. */
export async function login(url: string, email: string, password: string): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as LoginResponse | { error: { message: string } };
  if (!res.ok) throw new Error(`login failed (${res.status}): ${'error' in body ? body.error.message : ''}`);
  return body as LoginResponse;
}

/** A console REST call with the bearer token; returns status and parsed JSON (or text). */
export async function api<T = unknown>(url: string, token: string | undefined, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T, headers: res.headers };
}

export class ConsoleClient {
  /** Every push received, in order. */
  readonly received: { event: ServerEvent; payload: unknown }[] = [];

  private constructor(readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    for (const event of SERVER_EVENTS) {
      (socket.on as (e: string, l: (p: unknown) => void) => void)(event, (payload) => this.received.push({ event, payload }));
    }
  }

  /** Connect with a token and wait for `hello`; rejects with the server's refusal (`connect_error`). */
  static async connect(url: string, token: string | undefined, opts: { reconnection?: boolean } = {}): Promise<ConsoleClient> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}${CONSOLE_NAMESPACE}`, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: opts.reconnection ?? false,
      forceNew: true,
    });
    const client = new ConsoleClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('hello', () => resolve());
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
    return client;
  }

  /** Emit a client event and wait for its acknowledgement. */
  request<E extends RequestEvent>(event: E, payload: RequestPayload<E>): Promise<AckOf<E>> {
    return new Promise((resolve) => (this.socket.emit as (e: string, p: unknown, ack: (r: AckOf<E>) => void) => void)(event, payload, resolve));
  }

  /** The data of a successful acknowledgement; throws with the error otherwise. */
  async ok<E extends RequestEvent>(event: E, payload: RequestPayload<E>): Promise<AckOf<E> extends Ack<infer T> ? T : never> {
    const ack = (await this.request(event, payload)) as Ack<unknown>;
    if (!ack.ok) throw new Error(`${event} refused: ${ack.code} ${ack.error}`);
    return ack.data as AckOf<E> extends Ack<infer T> ? T : never;
  }

  /** Pushes of one event received so far (optionally from index `from` of `received`). */
  all<E extends ServerEvent>(event: E, from = 0): Payload<E>[] {
    return this.received.slice(from).filter((r) => r.event === event).map((r) => r.payload as Payload<E>);
  }

  /** Wait for a push matching `match` (already received ones count). */
  async waitFor<E extends ServerEvent>(event: E, match: (p: Payload<E>) => boolean = () => true, timeoutMs = 5000): Promise<Payload<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.all(event).find(match);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no '${event}' push matched within ${timeoutMs} ms; got: ${JSON.stringify(this.all(event)).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.close();
  }
}
