import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

export interface SocketLimits {
  /** Engine.IO `allowRequest`: refuses a handshake from an address already at its cap. */
  allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void;
  /** Count connections on `io`; connections that join `exemptNamespace` (signed in) stop counting. */
  attach(io: Server, exemptNamespace: string): void;
  /** Connections counted per address now (for /health). */
  counted(): number;
}

/**
 * Caps the Socket.IO connections one client address holds open that are not signed-in console
 * sessions (web chat candidates, idle or abandoned connections), across every namespace: a
 * handshake over the cap is refused with 403 before any namespace sees it. The root namespace
 * is unused and refuses every connection. Addresses come from `clientAddress` (which honours
 * TRUST_PROXY).
 *
 * @example
 * const limits = socketLimits(50, clientAddressOf(app));
 * const io = new SocketServer(http, { allowRequest: limits.allowRequest });
 * limits.attach(io, '/console');
 */
export function socketLimits(maxPerAddress: number, clientAddress: (req: IncomingMessage) => string): SocketLimits {
  const perAddress = new Map<string, number>();
  // Reserved at handshake time (before Engine.IO's async id generation), so a burst cannot overshoot.
  const reserved = new WeakMap<IncomingMessage, string>();
  const held = new WeakMap<object, string>();
  let total = 0;

  const take = (address: string) => {
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    total++;
  };
  const release = (address: string | undefined) => {
    if (address === undefined) return;
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
    total--;
  };

  return {
    allowRequest(req, callback) {
      const address = clientAddress(req);
      if ((perAddress.get(address) ?? 0) >= maxPerAddress) return callback('Too many connections from your address', false);
      take(address);
      reserved.set(req, address);
      callback(null, true);
    },
    attach(io, exemptNamespace) {
      io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', l: () => void): void }) => {
        const address = reserved.get(conn.request);
        reserved.delete(conn.request);
        if (address === undefined) return;
        held.set(conn, address);
        conn.once('close', () => {
          release(held.get(conn));
          held.delete(conn);
        });
      });
      // A handshake refused or failed after its reservation gives the place back.
      io.engine.on('connection_error', (err: { req?: IncomingMessage }) => {
        if (!err.req) return;
        release(reserved.get(err.req));
        reserved.delete(err.req);
      });
      io.of(exemptNamespace).on('connection', (socket) => {
        release(held.get(socket.conn));
        held.delete(socket.conn);
      });
      io.of('/').use((_socket, next) => next(new Error('Unknown namespace: connect to /webchat or /console')));
    },
    counted: () => total,
  };
}
