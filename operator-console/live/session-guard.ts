import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { toFailure } from '../errors.js';
import type { OperatorStore } from '../store/types.js';
import { IN_MEMORY_ADAPTERS, type ConsoleNamespace, type ConsoleSocket } from './broadcaster.js';

export interface SessionGuardDeps {
  nsp: () => ConsoleNamespace | undefined;
  auth: Pick<AuthService, 'authenticateId'>;
  operators: Pick<OperatorStore, 'onSessionsRevoked'>;
  /** How often every open socket's operator is re-read (changes made by another process, e.g. the CLI). */
  recheckMs: number;
  log: Logger;
}

/**
 * Closes console sockets whose session has ended: the operator was deactivated, changed their
 * password or signed out. Changes made in this process close the sockets at once; changes made
 * by another process (`parley operators deactivate` from a shell) are noticed by a re-check of
 * every open socket each `recheckMs`. A closed socket first gets `session:expired` with the reason.
 *
 * @example
 * const guard = new SessionGuard({ nsp: () => nsp, auth, operators, recheckMs: 5000, log });
 * guard.start();
 */
export class SessionGuard {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private sweep: Promise<void> | undefined;

  constructor(private readonly deps: SessionGuardDeps) {}

  start(): void {
    this.unsubscribe = this.deps.operators.onSessionsRevoked((operatorId) => {
      void this.check(operatorId);
      this.tellOtherNodes(operatorId);
    });
    // Another node revoked an operator's sessions: close their sockets here too, at once.
    (this.deps.nsp() as unknown as InterNode | undefined)?.on(REVOKED, (operatorId: unknown) => {
      if (typeof operatorId === 'string') void this.check(operatorId);
    });
    this.timer = setInterval(() => void this.checkAll(), this.deps.recheckMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /**
   * With the cluster's Socket.IO adapter, tell the other nodes (Socket.IO's in-memory adapter has
   * no other nodes, and warns when asked).
   */
  private tellOtherNodes(operatorId: string): void {
    const nsp = this.deps.nsp();
    if (!nsp || IN_MEMORY_ADAPTERS.has(nsp.adapter.constructor.name)) return;
    (nsp as unknown as InterNode).serverSideEmit(REVOKED, operatorId);
  }

  /** Re-check every open socket (one sweep at a time). */
  checkAll(): Promise<void> {
    this.sweep ??= this.check().finally(() => (this.sweep = undefined));
    return this.sweep;
  }

  /** Re-check the open sockets of one operator, or of all; close those whose session ended. */
  async check(operatorId?: string): Promise<void> {
    const nsp = this.deps.nsp();
    if (!nsp) return;
    const sockets = [...nsp.sockets.values()].filter((s) => s.data.operator && (operatorId === undefined || s.data.operator.id === operatorId));
    // One read per operator and token version, however many tabs they have open.
    const verdicts = new Map<string, Promise<string | undefined>>();
    for (const socket of sockets) {
      const key = `${socket.data.operator.id}|${socket.data.tokenVersion}`;
      if (!verdicts.has(key)) verdicts.set(key, this.verdict(socket));
      const reason = await verdicts.get(key);
      if (reason !== undefined) close(socket, reason);
    }
  }

  /** Why the socket's session ended, or undefined while it is valid (or the store cannot tell). */
  private async verdict(socket: ConsoleSocket): Promise<string | undefined> {
    try {
      await this.deps.auth.authenticateId(socket.data.operator.id, socket.data.tokenVersion);
      return undefined;
    } catch (err) {
      const failure = toFailure(err);
      if (failure.code === 'UNAUTHORIZED') return failure.error;
      this.deps.log.warn({ err }, 'console: re-checking an operator session failed; will retry');
      return undefined;
    }
  }
}

/** Sent between nodes (Socket.IO `serverSideEmit`) when an operator's sessions are revoked. */
const REVOKED = 'sessions-revoked';
/** The inter-node slice of a namespace (the console's typed namespace declares no inter-server events). */
interface InterNode {
  on(event: typeof REVOKED, listener: (operatorId: unknown) => void): unknown;
  serverSideEmit(event: typeof REVOKED, operatorId: string): unknown;
}

function close(socket: ConsoleSocket, reason: string): void {
  if (socket.disconnected) return;
  socket.emit('session:expired', { reason });
  socket.disconnect(true);
}
