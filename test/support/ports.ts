import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A free TCP port on loopback (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Wait until a server child process accepts connections on `port`: fails at once if the child
 * exits, and after `timeoutMs` otherwise (killing it), with what it printed.
 *
 * @example
 * await waitForPort(port, child, () => output, { name: 'redis-server', timeoutMs: 10_000 });
 */
export async function waitForPort(port: number, child: ChildProcess, output: () => string, opts: { name: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited with ${child.exitCode}:\n${output()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} did not listen on ${port} within ${opts.timeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** SIGTERM a server child and wait for it to exit (SIGKILL after `killAfterMs`). */
export function stopChild(child: ChildProcess, killAfterMs = 5000): Promise<void> {
  // Already gone: exited by itself, or killed by a signal (kill -9 leaves exitCode null).
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
