/**
 * Child process of bench/full-product.bench.ts (started by bench/console-operators.ts, several at
 * once): a share of the console operators signed in on Socket.IO, in their own process, so their
 * decoding is not the server's CPU and no one process decodes every operator's copy of every push
 * (issue 13: one child decoding 1,000 copies set the tail it reported). Like the console page, they
 * opt in to batched pushes (`auth.batch`; FP_BATCH=0 connects them plain): each item of a `batch`
 * counts as the push it carries.
 *
 * Each candidate message pushed to them is timed at receipt on a clock shared by every process of
 * the machine (`performance.timeOrigin + performance.now()`, wall-clock based, sub-millisecond):
 * from its stored `createdAt`, and from when the server handed it to the sockets (the parent
 * records that around the adapter's broadcast and sends the times with `report`). On `report` the
 * child waits until every one of its operators has the `expected` candidate pushes (15 s at most),
 * so a slow last copy is counted instead of cut off, then reports and exits.
 */
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

export type FromParent =
  | { type: 'start' }
  /** `emits`: per candidate message push (`id/status`), when the server's fan-out began and ended (shared clock, ms). */
  | { type: 'report'; expected: number; emits: Record<string, [start: number, end: number, ...rest: number[]]> };

export interface OperatorsReport {
  operators: number;
  /** Every receipt: ms from the message's stored `createdAt`. */
  lags: number[];
  /** Every receipt: ms from the start of the server's fan-out of its push. */
  fromEmit: number[];
  /** Every receipt: ms from the end of the server's fan-out (the wire and this process). */
  afterFanout: number[];
  /** Per push (`id/status`): the first receipt in this process (shared clock, ms). */
  first: Record<string, number>;
  /** Pushes the first operator got, per event name (`batch`: the packets that carried them). */
  received: Record<string, number>;
  /** Operators that got every expected candidate push before the report. */
  complete: number;
  /** FP_CLIENT=raw: copies of a broadcast frame unlike the process's first copy (decoded apart; expected 0). */
  mismatched: number;
  /** From `start` to the last receipt: this process's CPU, its event loop's busy time, and the wall time. */
  cpuMs: number;
  busyMs: number;
  wallMs: number;
}

export type FromChild = { type: 'ready'; connected: number; failed: number } | ({ type: 'lags' } & OperatorsReport);

const url = process.env.FP_URL as string;
const token = process.env.FP_TOKEN as string;
const operators = Number(process.env.FP_OPERATORS ?? 1000);
const batch = process.env.FP_BATCH !== '0';
const raw = process.env.FP_CLIENT === 'raw';
const auth = batch ? { token, batch: 1 } : { token };
const now = () => performance.timeOrigin + performance.now();

// Receipts, as parallel arrays (a few hundred thousand per run): push key, time, stored time.
const keys: string[] = [];
const at: number[] = [];
const stored: number[] = [];
/** Candidate pushes each operator got (by connection order); NaN for one that failed to connect (never waited for). */
const counts: number[] = [];
const sockets: { close(): void }[] = [];
const received: Record<string, number> = {};
let failed = 0;
let lastReceipt = 0;

/** What one operator does with a push packet (`event`, `payload`) received at `t`. */
function receiver(index: number): (event: string, payload: unknown, t: number) => void {
  // What every operator receives, counted on the first one.
  const count = !index ? (event: string) => void (received[event] = (received[event] ?? 0) + 1) : () => undefined;
  const onMessage = (m: { id?: string; status?: string; author?: string; createdAt?: string }, t: number) => {
    if (m.author !== 'candidate' || !m.createdAt) return;
    keys.push(`${m.id}/${m.status}`);
    at.push(t);
    stored.push(Date.parse(m.createdAt));
    counts[index] = (counts[index] ?? 0) + 1;
    lastReceipt = t;
  };
  return (event, payload, t) => {
    count(event);
    if (event === 'message') onMessage(payload as Parameters<typeof onMessage>[0], t);
    if (event !== 'batch') return;
    for (const [item, itemPayload] of payload as [string, unknown][]) {
      count(item);
      if (item === 'message') onMessage(itemPayload as Parameters<typeof onMessage>[0], t);
    }
  };
}

/** Resolves once the operator is signed in (`hello`) or has failed (then counted out). */
function signedIn(index: number, on: (hello: () => void, failure: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => failure(), 60_000);
    const failure = () => {
      clearTimeout(timer);
      failed++;
      counts[index] = NaN;
      resolve();
    };
    on(() => {
      clearTimeout(timer);
      resolve();
    }, failure);
  });
}

function connect(): Promise<void> {
  const socket = io(`${url}/console`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  const index = sockets.length;
  sockets.push(socket);
  counts.push(0);
  const deliver = receiver(index);
  // One stamp per packet: the items of a batch arrived together.
  socket.onAny((event: string, payload: unknown) => deliver(event, payload, now()));
  return signedIn(index, (hello, failure) => {
    socket.once('hello', hello);
    socket.once('connect_error', failure);
  });
}

/**
 * FP_CLIENT=raw: the same operator on a bare WebSocket speaking Engine.IO 4 / Socket.IO 5 (open,
 * namespace connect with the same auth, ping -> pong, event packets). Every operator of a room
 * gets the same broadcast frames in the same order (one encode per broadcast), so the n-th
 * `batch` frame is decoded once per process and the other operators' copies are only timed
 * (a copy of another length is decoded on its own and counted in `mismatched`): the process's
 * cost per copy is the WebSocket read, not Socket.IO's decode, so it measures the server and
 * the wire rather than this process decoding 1,000 copies.
 */
const frames: { length: number; event: string; payload: unknown }[] = [];
let mismatched = 0;
const NSP = '42/console,';
const BATCH = Buffer.from(`${NSP}["batch",`);

function connectRaw(): Promise<void> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  const index = sockets.length;
  sockets.push(ws);
  counts.push(0);
  const deliver = receiver(index);
  const decode = (data: Buffer) => {
    const [event, payload] = JSON.parse(data.toString('utf8', NSP.length)) as [string, unknown];
    return { length: data.length, event, payload };
  };
  let nth = 0;
  return signedIn(index, (hello, failure) => {
    ws.once('error', failure);
    ws.on('message', (data: Buffer) => {
      const t = now();
      const type = data[0];
      // Engine.IO: 0 open, 2 ping; 4 a Socket.IO packet: 40 connected, 44 refused, 42 an event.
      if (type === 0x32 && data.length === 1) return ws.send('3');
      if (type === 0x30) return ws.send(`40/console,${JSON.stringify(auth)}`);
      if (type !== 0x34) return;
      if (data[1] === 0x34) return failure();
      if (data[1] !== 0x32) return;
      if (data.length > BATCH.length && data.compare(BATCH, 0, BATCH.length, 0, BATCH.length) === 0) {
        const n = nth++;
        let frame = frames[n];
        if (!frame) frames[n] = frame = decode(data);
        else if (frame.length !== data.length) {
          mismatched++;
          frame = decode(data);
        }
        return deliver(frame.event, frame.payload, t);
      }
      const packet = decode(data);
      if (packet.event === 'hello') hello();
      deliver(packet.event, packet.payload, t);
    });
  });
}

for (let i = 0; i < operators; i += 100) await Promise.all(Array.from({ length: Math.min(100, operators - i) }, raw ? connectRaw : connect));
process.send?.({ type: 'ready', connected: operators - failed, failed } satisfies FromChild);

let start = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: now() };
process.on('message', (m: FromParent) => {
  if (m.type === 'start') start = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: now() };
  if (m.type !== 'report') return;
  const deadline = now() + 15_000;
  // Polled, not per receipt: the check walks every operator.
  const poll = setInterval(() => {
    if (now() < deadline && counts.some((c) => c < m.expected)) return;
    clearInterval(poll);
    report(m.expected, m.emits);
  }, 10);
});

function report(expected: number, emits: Extract<FromParent, { type: 'report' }>['emits']): void {
  const cpu = process.cpuUsage(start.cpu);
  const elu = performance.eventLoopUtilization(start.elu);
  sockets.forEach((s) => s.close());
  const lags: number[] = [];
  const fromEmit: number[] = [];
  const afterFanout: number[] = [];
  const first: Record<string, number> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const t = at[i] as number;
    lags.push(round(t - (stored[i] as number)));
    const emit = emits[key];
    if (emit) {
      fromEmit.push(round(t - emit[0]));
      afterFanout.push(round(t - emit[1]));
    }
    if (!(key in first) || t < (first[key] as number)) first[key] = t;
  }
  // The window ends at the last receipt: the wait for stragglers after it is idle time.
  const end = Math.max(lastReceipt, start.at);
  // ELU's idle time after the last receipt is not the window's: its busy time is.
  const result: OperatorsReport = {
    operators: operators - failed,
    lags,
    fromEmit,
    afterFanout,
    first,
    received,
    complete: counts.filter((c) => c >= expected).length,
    mismatched,
    cpuMs: (cpu.user + cpu.system) / 1000,
    busyMs: elu.active,
    wallMs: end - start.at,
  };
  process.send?.({ type: 'lags', ...result } satisfies FromChild, () => process.exit(0));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
