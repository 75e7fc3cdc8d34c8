/**
 * Web chat end to end: N real Socket.IO clients on loopback against a real Parley (HTTP,
 * Socket.IO, SQLite on disk), each sending its messages in a closed loop.
 */
import { io, type Socket } from 'socket.io-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import type { WebchatClientToServer, WebchatServerToClient } from '../channels/webchat/index.js';
import { silentLogger } from '../core/ports/index.js';
import { percentile, rssMb, type BenchResult } from './support.js';

const SCRIPT = ['hi', 'yes', 'Ana Lima', 'react', '/status', 'ok', 'thanks', '/help'];

export async function run(opts: { clients?: number } = {}): Promise<BenchResult[]> {
  const clients = opts.clients ?? Number(process.env.BENCH_CLIENTS ?? 200);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-wc-'));
  // Every simulated browser shares 127.0.0.1: lift the per-address limits (per-session ones stay).
  const config = loadConfig({ PORT: '1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBCHAT_IP_RATE_LIMIT: '100000', WEBCHAT_NEW_SESSIONS_PER_IP: '100000', SOCKET_MAX_CONNECTIONS_PER_IP: '100000' });
  const parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger });
  await parley.start();
  try {
    const latencies: number[] = [];
    let peakRss = rssMb();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 50);
    const sockets = await Promise.all(Array.from({ length: clients }, () => connect(parley.url)));
    const t0 = performance.now();
    await Promise.all(sockets.map((s, c) => converse(s, c, latencies)));
    const secs = (performance.now() - t0) / 1000;
    clearInterval(sockets.length ? sampler : sampler);
    sockets.forEach((s) => s.close());
    latencies.sort((a, b) => a - b);
    return [
      {
        name: 'webchat-socket.io',
        metrics: { clients, messages: latencies.length, 'msg/s': Math.round(latencies.length / secs), 'p50 ms': percentile(latencies, 0.5).toFixed(2), 'p99 ms': percentile(latencies, 0.99).toFixed(2), 'peak rss MB': Math.max(peakRss, rssMb()) },
      },
    ];
  } finally {
    await parley.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Client = Socket<WebchatServerToClient, WebchatClientToServer>;

function connect(url: string): Promise<Client> {
  const socket: Client = io(`${url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('history', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function converse(socket: Client, c: number, latencies: number[]): Promise<void> {
  for (let i = 0; i < SCRIPT.length; i++) {
    const start = performance.now();
    const reply = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    socket.emit('message', { text: SCRIPT[i] as string, clientMessageId: `b${c}-${i}` }, () => undefined);
    await reply;
    latencies.push(performance.now() - start);
    // Intake's first turn sends two messages (greeting + consent): let both arrive.
    if (i === 0) await new Promise<void>((resolve) => socket.once('message', () => resolve()));
  }
}
