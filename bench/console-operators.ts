/**
 * The console operators of bench/full-product.bench.ts (issue 13): spread over several child
 * processes (bench/console-operators.child.ts), so the push lag they report is not one process
 * decoding every operator's copy of every push in turn. Each child times its own receipts on a
 * clock shared across processes; this side records, in the server's process, when each push was
 * handed to the sockets (around the console namespace's adapter broadcast: the encode and the
 * synchronous write to every socket of the room), and merges the children's figures.
 *
 * BENCH_FP_OPERATOR_PROCS: the number of child processes (default: 4, and at least the machine's
 * parallelism). A child whose CPU or event loop was busy for most of the window is flagged as
 * saturated in the output: its lags are bounded by its own decoding, not the server.
 * BENCH_FP_OPERATOR_CLIENT=raw: bare WebSocket operators that decode each broadcast frame once per
 * process (see the child). BENCH_FP_CPU_PROFILE=<file>: a CPU profile of the server's process
 * (this one: Parley and the web chat clients) over the window, for Chrome DevTools or speedscope.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Namespace } from 'socket.io';
import type { EventBus } from '../core/ports/event-bus.js';
import type { FromChild, FromParent, OperatorsReport } from './console-operators.child.js';
import { percentile } from './support.js';

/** A process on CPU this share of its wall time or more is flagged as saturated (its event loop, at this share, as waiting for a core). */
const SATURATED = 0.9;

const now = () => performance.timeOrigin + performance.now();

/** BENCH_FP_OPERATOR_CLIENT: `socket.io` (socket.io-client, as the console page) or `raw` (see the child). */
export function operatorClient(): 'socket.io' | 'raw' {
  return process.env.BENCH_FP_OPERATOR_CLIENT === 'raw' ? 'raw' : 'socket.io';
}

export function operatorProcesses(): number {
  return Number(process.env.BENCH_FP_OPERATOR_PROCS ?? Math.max(4, availableParallelism()));
}

/** Broadcasts of the console namespace, timed in the server's process. */
export interface PushTimes {
  /** Per candidate message push (`id/status`): the first fan-out that carried it, start and end, and the message's stored time (shared clock, ms). */
  readonly emits: Map<string, [number, number, number]>;
  /** Candidate message pushes broadcast to everyone (`console~b`): what each operator should get. */
  toEveryone: number;
  /** Each broadcast's duration (encode and the hand-over to every socket of the room), ms. */
  readonly fanouts: number[];
  /** Copies handed to a socket whose previous frame's write had not completed: Engine.IO buffers them and writes them on the socket's drain, after the broadcast. */
  deferred: number;
  copies: number;
  /** Per message id: when its `MessageReceived` was published (after its turn committed; the console feed pushes it then). */
  readonly published: Map<string, number>;
  clear(): void;
  stop(): void;
}

type Broadcast = (packet: { data: unknown[] }, opts: { rooms: Set<string> }) => void;

/**
 * Time the console namespace's broadcasts by wrapping its adapter's `broadcast` (bench only; the
 * product is unchanged). Socket.IO encodes once there and writes to every socket of the room
 * before it returns. With `bus`, also when each inbound's `MessageReceived` was published.
 */
export function recordPushes(nsp: Namespace, bus?: EventBus): PushTimes {
  const adapter = nsp.adapter as unknown as { broadcast: Broadcast };
  const original = adapter.broadcast;
  const unsubscribe = bus?.subscribe((e) => {
    if (e.type === 'MessageReceived' && !times.published.has(e.messageId)) times.published.set(e.messageId, now());
  });
  const times: PushTimes = {
    emits: new Map(),
    toEveryone: 0,
    fanouts: [],
    deferred: 0,
    copies: 0,
    published: new Map(),
    clear: () => {
      times.emits.clear();
      times.toEveryone = 0;
      times.fanouts.length = 0;
      times.deferred = 0;
      times.copies = 0;
      times.published.clear();
    },
    stop: () => {
      adapter.broadcast = original;
      unsubscribe?.();
    },
  };
  adapter.broadcast = function (this: unknown, packet, opts) {
    for (const room of opts.rooms) {
      for (const id of nsp.adapter.rooms.get(room) ?? []) {
        const conn = (nsp.sockets.get(id) as unknown as { conn?: { transport: { writable: boolean }; writeBuffer: unknown[] } } | undefined)?.conn;
        times.copies++;
        if (conn && (!conn.transport.writable || conn.writeBuffer.length > 0)) times.deferred++;
      }
    }
    const start = now();
    original.call(this, packet, opts);
    const end = now();
    times.fanouts.push(end - start);
    const [event, payload] = packet.data as [string, unknown];
    const items = event === 'batch' ? (payload as [string, unknown][]) : [[event, payload] as [string, unknown]];
    for (const [item, p] of items) {
      const m = p as { id?: string; status?: string; author?: string; createdAt?: string };
      if (item !== 'message' || m.author !== 'candidate' || !m.createdAt) continue;
      const key = `${m.id}/${m.status}`;
      if (!times.emits.has(key)) times.emits.set(key, [start, end, Date.parse(m.createdAt)]);
      if (opts.rooms.has('console~b')) times.toEveryone++;
    }
  };
  return times;
}

/** The operators' figures, merged over the processes. */
export interface FleetFigures {
  operators: number;
  complete: number;
  /** Every receipt, ascending: from the stored `createdAt`; from the fan-out's start; from its end. */
  lags: number[];
  fromEmit: number[];
  afterFanout: number[];
  /** Per push, the first operator (of any process) to get it, from its stored `createdAt`, ascending. */
  firstLags: number[];
  received: Record<string, number>;
  /** Highest CPU and event-loop busy share of any one process over the window. */
  maxCpu: number;
  maxBusy: number;
  saturated: number;
}

export class OperatorFleet {
  private constructor(
    private readonly children: ChildProcess[],
    readonly connected: number,
  ) {}

  /** Fork `procs` children and sign in `operators` console sockets spread over them. */
  static async start(url: string, token: string, operators: number, procs: number): Promise<OperatorFleet> {
    const shares = Array.from({ length: procs }, (_, i) => Math.floor(operators / procs) + (i < operators % procs ? 1 : 0)).filter((n) => n > 0);
    const children = shares.map((n) =>
      fork(fileURLToPath(new URL('./console-operators.child.ts', import.meta.url)), [], {
        env: { ...process.env, FP_URL: url, FP_TOKEN: token, FP_OPERATORS: String(n), FP_CLIENT: operatorClient() },
        execArgv: ['--import', 'tsx'],
        stdio: 'inherit',
      }),
    );
    try {
      const ready = await Promise.all(children.map((c) => next(c, 'ready')));
      return new OperatorFleet(
        children,
        ready.reduce((n, r) => n + r.connected, 0),
      );
    } catch (err) {
      for (const c of children) if (c.exitCode === null) c.kill();
      throw err;
    }
  }

  /** The measured window begins: each child starts its CPU and event-loop clocks. */
  start(): void {
    for (const c of this.children) c.send({ type: 'start' } satisfies FromParent);
  }

  /** Ask every child for its figures (each waits for its operators' last expected pushes), print each process's, merge them. */
  async report(pushes: PushTimes): Promise<FleetFigures> {
    const emits = Object.fromEntries(pushes.emits);
    const reports = await Promise.all(
      this.children.map((c) => {
        const reported = next(c, 'lags');
        c.send({ type: 'report', expected: pushes.toEveryone, emits } satisfies FromParent);
        return reported;
      }),
    );
    return merge(reports, pushes);
  }

  kill(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill();
  }
}

function next<T extends FromChild['type']>(child: ChildProcess, type: T): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`console operators: no '${type}' within 10 minutes`)), 600_000);
    const exited = (code: number | null) => done(new Error(`console operators: a child exited (${code}) before '${type}'`));
    const listener = (m: FromChild) => m.type === type && done(undefined, m as Extract<FromChild, { type: T }>);
    const done = (err?: Error, m?: Extract<FromChild, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', listener);
      child.off('exit', exited);
      if (m) resolve(m);
      else reject(err as Error);
    };
    child.on('message', listener);
    child.once('exit', exited);
  });
}

function merge(reports: OperatorsReport[], pushes: PushTimes): FleetFigures {
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const first = new Map<string, number>();
  for (const r of reports) for (const [key, t] of Object.entries(r.first)) first.set(key, Math.min(first.get(key) ?? Infinity, t));
  let maxCpu = 0;
  let maxBusy = 0;
  let saturated = 0;
  reports.forEach((r, i) => {
    const cpu = r.wallMs > 0 ? r.cpuMs / r.wallMs : 0;
    const busy = r.wallMs > 0 ? r.busyMs / r.wallMs : 0;
    maxCpu = Math.max(maxCpu, cpu);
    maxBusy = Math.max(maxBusy, busy);
    // On CPU most of the window: its own decoding bounds its lags. Event loop always busy but
    // seldom on CPU: it waited for a core (the machine's other processes bound its lags).
    const full = cpu >= SATURATED;
    if (full) saturated++;
    const note = full ? ': SATURATED, its figures are bounded by its own decoding' : busy >= SATURATED ? ': event loop always busy but seldom on CPU, it waited for a core' : '';
    const lags = sorted([...r.lags]);
    const fromEmit = sorted([...r.fromEmit]);
    console.log(
      `console operators, process ${i + 1}/${reports.length}: ${r.operators} operators (${r.complete} got every push${r.mismatched ? `, ${r.mismatched} copies unlike the first` : ''}), ` +
        `push p50 ${pct(lags, 0.5)} / p99 ${pct(lags, 0.99)} ms from stored, p50 ${pct(fromEmit, 0.5)} / p99 ${pct(fromEmit, 0.99)} ms from the server's fan-out; ` +
        `${Math.round(r.cpuMs)} ms CPU in ${Math.round(r.wallMs)} ms (${percent(cpu)}), event loop busy ${percent(busy)}` +
        note,
    );
  });
  const firstLags: number[] = [];
  for (const [key, t] of first) {
    const stored = pushes.emits.get(key)?.[2];
    if (stored !== undefined) firstLags.push(t - stored);
  }
  return {
    operators: reports.reduce((n, r) => n + r.operators, 0),
    complete: reports.reduce((n, r) => n + r.complete, 0),
    lags: sorted(reports.flatMap((r) => r.lags)),
    fromEmit: sorted(reports.flatMap((r) => r.fromEmit)),
    afterFanout: sorted(reports.flatMap((r) => r.afterFanout)),
    firstLags: sorted(firstLags),
    received: reports[0]?.received ?? {},
    maxCpu,
    maxBusy,
    saturated,
  };
}

function pct(sorted: number[], p: number): string {
  return percentile(sorted, p).toFixed(1);
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Busy share of the whole machine (every core) since `since` (from `os.cpus()`). */
export function machineBusy(since: ReturnType<typeof cpus>): number {
  let busy = 0;
  let total = 0;
  cpus().forEach((c, i) => {
    const b = since[i]?.times;
    if (!b) return;
    const idle = c.times.idle - b.idle;
    const all = c.times.user + c.times.nice + c.times.sys + c.times.irq + idle - (b.user + b.nice + b.sys + b.irq);
    busy += all - idle;
    total += all;
  });
  return total > 0 ? busy / total : 0;
}

/** BENCH_FP_CPU_PROFILE: profile this process (the server's) between `start` and `stop` (no-ops without it). */
export function windowProfile(): { start(): void; stop(): Promise<void> } {
  const file = process.env.BENCH_FP_CPU_PROFILE;
  if (!file) return { start: () => undefined, stop: async () => undefined };
  const session = new Session();
  session.connect();
  let started: Promise<unknown> | undefined;
  return {
    start: () => void (started = session.post('Profiler.enable').then(() => session.post('Profiler.start'))),
    stop: async () => {
      await started;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`console operators: the server process's CPU profile over the window: ${file}`);
    },
  };
}
