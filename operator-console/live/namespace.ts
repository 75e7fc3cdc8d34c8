import type { Server } from 'socket.io';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { CONSOLE_NAMESPACE } from '../contract.js';
import { toFailure } from '../errors.js';
import type { NotificationInbox } from '../notifications/inbox.js';
import type { GraceTimers } from '../takeover/grace.js';
import { roomFor, rooms, type ConsoleNamespace, type ConsoleSocket } from './broadcaster.js';

export type { ConsoleSocket } from './broadcaster.js';
import { registerHandlers, type HandlerDeps } from './handlers.js';

export interface NamespaceDeps extends HandlerDeps {
  auth: AuthService;
  inbox: NotificationInbox;
  grace: GraceTimers;
  graceSec: number;
  clock: Clock;
  log: Logger;
}

// setTimeout's limit: tokens living longer are re-checked on the next connection anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `/console` namespace. A connection must carry `auth: { token }` (from POST
 * /api/v1/auth/login); a missing, bad, expired or revoked token is refused with `connect_error`,
 * whose message says why and whose `data.code` is `UNAUTHORIZED`. Open sockets are closed when
 * the token expires, and by the `SessionGuard` when the operator's session ends. With
 * `auth: { token, batch: 1 }` the socket gets its broadcast pushes as `batch` events (one per
 * server tick and room run, see `Broadcaster`): it joins the batched twins of its rooms.
 */
export function attachConsoleNamespace(io: Server, deps: NamespaceDeps): ConsoleNamespace {
  const nsp = io.of(CONSOLE_NAMESPACE) as ConsoleNamespace;
  const online = new Map<string, number>();

  nsp.use((socket, next) => {
    const { token, batch } = (socket.handshake.auth as { token?: unknown; batch?: unknown } | undefined) ?? {};
    deps.auth.authenticate(token).then(
      ({ operator, expiresAt, tokenVersion }) => {
        socket.data = { operator: { id: operator.id, email: operator.email, name: operator.name, role: operator.role }, tokenExpiresAt: expiresAt.getTime(), tokenVersion };
        if (batch === 1 || batch === true) socket.data.batch = true;
        next();
      },
      (err: unknown) => {
        const failure = toFailure(err);
        if (failure.code === 'INTERNAL') deps.log.error({ err }, 'console: authenticating a socket failed');
        next(Object.assign(new Error(failure.error), { data: { code: failure.code } }));
      },
    );
  });

  nsp.on('connection', (socket: ConsoleSocket) => {
    const { operator } = socket.data;
    void socket.join([rooms.all, rooms.operator(operator.id)].map((room) => roomFor(socket, room)));
    online.set(operator.id, (online.get(operator.id) ?? 0) + 1);
    deps.grace.cancel(operator.id);
    const expiry = setTimeout(() => {
      socket.emit('session:expired', { reason: 'Your session has expired: sign in again' });
      socket.disconnect(true);
    }, Math.min(MAX_TIMER_MS, Math.max(0, socket.data.tokenExpiresAt - deps.clock.now().getTime())));
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      const left = (online.get(operator.id) ?? 1) - 1;
      if (left > 0) online.set(operator.id, left);
      else {
        online.delete(operator.id);
        deps.grace.start(operator.id);
      }
    });
    registerHandlers(socket, deps);
    void hello(socket, deps);
  });
  return nsp;
}

async function hello(socket: ConsoleSocket, deps: NamespaceDeps): Promise<void> {
  try {
    const { operator } = await deps.auth.authenticateId(socket.data.operator.id, socket.data.tokenVersion);
    socket.emit('hello', { operator: socket.data.operator, serverTime: deps.clock.now().toISOString(), unreadNotifications: await deps.inbox.unread(operator), graceSec: deps.graceSec });
  } catch (err) {
    deps.log.warn({ err }, 'console: greeting a socket failed');
    socket.disconnect(true);
  }
}
