/**
 * Child process of bench/full-product.bench.ts: N console operators signed in on Socket.IO (in
 * their own process, so their decoding is not the server's CPU). Each candidate message pushed to
 * them is timed from its stored `createdAt` to its receipt (wall clock, same machine). Reports the
 * lags when asked, then exits.
 */
import { io, type Socket } from 'socket.io-client';

type FromParent = { type: 'report' };
/** `received`: pushes one operator got, per event name. */
export type FromChild = { type: 'ready'; connected: number; failed: number } | { type: 'lags'; lags: number[]; received: Record<string, number> };

const url = process.env.FP_URL as string;
const token = process.env.FP_TOKEN as string;
const operators = Number(process.env.FP_OPERATORS ?? 1000);
const lags: number[] = [];
const sockets: Socket[] = [];
const received: Record<string, number> = {};
let failed = 0;

function connect(): Promise<void> {
  const socket = io(`${url}/console`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  // What every operator receives, counted on the first one.
  if (!sockets.length) socket.onAny((event: string) => void (received[event] = (received[event] ?? 0) + 1));
  sockets.push(socket);
  socket.on('message', (m: { author?: string; createdAt?: string }) => {
    if (m.author === 'candidate' && m.createdAt) lags.push(Date.now() - Date.parse(m.createdAt));
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      failed++;
      resolve();
    }, 60_000);
    socket.once('hello', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', () => {
      clearTimeout(timer);
      failed++;
      resolve();
    });
  });
}

for (let i = 0; i < operators; i += 100) await Promise.all(Array.from({ length: Math.min(100, operators - i) }, connect));
process.send?.({ type: 'ready', connected: operators - failed, failed } satisfies FromChild);
process.on('message', (m: FromParent) => {
  if (m.type !== 'report') return;
  sockets.forEach((s) => s.close());
  process.send?.({ type: 'lags', lags, received } satisfies FromChild, () => process.exit(0));
});
