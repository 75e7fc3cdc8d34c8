/**
 * Limits at the HTTP and Socket.IO entry points: /health and /metrics need a token for anything
 * beyond "ok", a slow request body is cut off, and one client address holds a bounded number of
 * unauthenticated Socket.IO connections (the root namespace is closed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect as tcpConnect } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { ConsoleClient, login } from '../operator-console/testing.js';
import { eventually, opsGet, startParley, TEST_METRICS_TOKEN, type TestParley } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';
let app: TestParley;

beforeAll(async () => {
  app = await startParley({ PARLEY_ADMIN_EMAIL: 'admin@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD, HTTP_REQUEST_TIMEOUT_SEC: '2', SOCKET_MAX_CONNECTIONS_PER_IP: '3' });
});
afterAll(async () => {
  await app.stop();
});

const get = (path: string, token?: string) => fetch(`${app.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('/health and /metrics', () => {
  it('/health says only "ok" without a token; versions, channels, counts and console figures need METRICS_TOKEN or an operator token', async () => {
    for (const token of [undefined, 'not-the-metrics-token', TEST_METRICS_TOKEN.slice(0, -1)]) {
      const res = await get('/health', token);
      expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
    }
    const detailed = (await (await opsGet(`${app.url}/health`)).json()) as Record<string, unknown>;
    expect(detailed).toMatchObject({ status: 'ok', mode: 'embedded', version: expect.any(String), channels: expect.arrayContaining(['webchat']), console: { connected: 0 } });
    const { token } = await login(app.url, 'admin@acme.test', PASSWORD);
    expect(await (await get('/health', token)).json()).toMatchObject({ version: expect.any(String), console: expect.any(Object) });
    expect(await (await get('/ready')).json()).toEqual({ ready: true });
  });

  it('/metrics is refused without METRICS_TOKEN or an operator token', async () => {
    for (const token of [undefined, 'not-the-metrics-token']) {
      const res = await get('/metrics', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toMatch(/parley_/);
    }
    expect(await (await opsGet(`${app.url}/metrics`)).text()).toMatch(/parley_queue_depth\{node="[^"]+"\} \d+/);
    const { token } = await login(app.url, 'admin@acme.test', PASSWORD);
    expect((await get('/metrics', token)).status).toBe(200);
  });
});

describe('HTTP request timeout (HTTP_REQUEST_TIMEOUT_SEC)', () => {
  it('cuts off a request whose body trickles in: 408 and the connection closed, instead of holding it for minutes', async () => {
    const { port } = new URL(app.url);
    const socket = tcpConnect(Number(port), '127.0.0.1');
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":');
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    // The server is fine afterwards.
    expect((await get('/health')).status).toBe(200);
  }, 60_000);
});

describe('Socket.IO connections per client address (SOCKET_MAX_CONNECTIONS_PER_IP)', () => {
  const opened: { socket: Socket; namespace: string }[] = [];
  afterAll(() => opened.forEach((o) => o.socket.close()));

  /** A raw Socket.IO client: resolves 'connected' or the refusal message. */
  function open(namespace: string, headers: Record<string, string> = {}): Promise<{ outcome: 'connected' } | { outcome: 'refused'; message: string }> {
    const socket = io(`${app.url}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
    opened.push({ socket, namespace });
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ outcome: 'connected' }));
      socket.once('connect_error', (err) => {
        socket.close();
        resolve({ outcome: 'refused', message: err.message });
      });
    });
  }
  const counted = async () => ((await (await opsGet(`${app.url}/health`)).json()) as { unauthenticatedSockets: number }).unauthenticatedSockets;

  it('refuses the unused root namespace', async () => {
    expect(await open('/')).toEqual({ outcome: 'refused', message: 'Unknown namespace: connect to /webchat or /console' });
    await eventually(async () => (await counted()) === 0, 'the refused connection to be released', 20_000);
  });

  it('caps unauthenticated connections per address (rotated X-Forwarded-For is the same client); signed-in consoles do not count', async () => {
    const { token } = await login(app.url, 'admin@acme.test', PASSWORD);
    const consoles = [await ConsoleClient.connect(app.url, token), await ConsoleClient.connect(app.url, token)];
    await eventually(async () => (await counted()) === 0, 'signed-in consoles to stop counting', 20_000);

    const chats = [];
    for (let i = 0; i < 3; i++) chats.push(await open('/webchat', { 'x-forwarded-for': `203.0.113.${i}` }));
    expect(chats).toEqual(Array(3).fill({ outcome: 'connected' }));
    expect(await open('/webchat', { 'x-forwarded-for': '203.0.113.99' })).toMatchObject({ outcome: 'refused' });
    expect(await open('/webchat')).toMatchObject({ outcome: 'refused' });

    // A closed connection frees its place.
    opened.find((o) => o.socket.connected && o.namespace === '/webchat')?.socket.close();
    await eventually(async () => (await counted()) === 2, 'the closed connection to be released', 20_000);
    expect(await open('/webchat')).toEqual({ outcome: 'connected' });
    consoles.forEach((c) => c.close());
  });
});
