// The live connection to the `/console` Socket.IO namespace (contract: operator-console/contract.ts).
// Reconnects by itself. On every connect (the first one included) it asks for everything since
// the last server time it saw (`sync`; the whole list on the first), so nothing missed while
// offline or while the page loaded is lost, and the views then re-watch what they show.
// Requests made before the socket is up wait for it (a reload on a deep link opens the
// conversation before the socket has connected).
import { expireSession } from './api.js';
import { addNotification, publish, state, upsertConversation, upsertMessage } from './state.js';
import { setLabels, setSavedFilters } from './views/inbox-tools.js';

let socket = null;
let cursor = null;
let failures = 0;
/** Resolvers waiting for the socket to connect (requests made while it was not yet up). */
let waiting = [];
/** How long a request waits for a connection before saying "Not connected". */
const CONNECT_WAIT_MS = 20_000;

function setStatus(status) {
  if (state.status === status) return;
  state.status = status;
  publish('status', status);
}

/** Remember the latest server time seen, to catch up from there. */
function seen(iso) {
  if (iso && (!cursor || iso > cursor)) cursor = iso;
}

export function connect(token, handlers) {
  // `batch: 1`: broadcast pushes come batched per server tick (see `pushes` below).
  socket = window.io('/console', { auth: { token, batch: 1 }, transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 5000 });

  socket.on('connect', () => {
    failures = 0;
    setStatus('live');
    const ready = waiting;
    waiting = [];
    ready.forEach((resolve) => resolve(true));
    void catchUp(handlers);
  });
  socket.on('hello', (p) => {
    state.unreadNotifications = p.unreadNotifications;
    publish('notifications');
    seen(p.serverTime);
  });
  socket.on('disconnect', (reason) => {
    setStatus(navigator.onLine ? 'reconnecting' : 'offline');
    // The server closed us (expired session, deploy): Socket.IO does not retry that by itself.
    if (reason === 'io server disconnect' && state.operator) setTimeout(() => socket && socket.connect(), 1000);
  });
  socket.on('connect_error', (err) => {
    if (err && err.data && err.data.code === 'UNAUTHORIZED') {
      disconnect();
      expireSession(err.message);
      return;
    }
    failures += 1;
    setStatus(!navigator.onLine || failures >= 4 ? 'offline' : 'reconnecting');
  });
  socket.on('session:expired', (p) => {
    disconnect();
    expireSession(p.reason);
  });

  // The server's broadcast pushes, by event. The page opts in to batching (`auth.batch`): they
  // then come as `batch` events, one per server tick, `[[event, payload], ...]` in the order they
  // were emitted; each item goes to the same handler as the event of that name.
  const pushes = {
    'conversation:upsert': (s) => {
      seen(s.updatedAt);
      upsertConversation(s);
    },
    message: (m) => {
      seen(m.updatedAt);
      upsertMessage(m);
      handlers.onMessage?.(m);
      publish('live:message', m);
    },
    notification: (n) => {
      seen(n.createdAt);
      addNotification(n);
      handlers.onNotification?.(n);
      publish('live:notification', n);
    },
    'alert:at-risk': (a) => handlers.onAtRisk?.(a),
    takeover: (t) => publish('takeover', t),
    handback: (t) => publish('handback', t),
    note: (n) => publish('note', n),
    event: (e) => {
      seen(e.at);
      publish('event', e);
    },
    labels: (p) => setLabels(p.labels),
    'saved-filters': (p) => setSavedFilters(p.filters),
    'candidate:typing': (t) => {
      const c = state.conversations.get(t.conversationId);
      // The chat page says "stopped" after 4 s without a key; 8 s covers a lost stop.
      if (t.typing) state.typing.set(t.conversationId, { name: (c && c.candidateName) || 'The candidate', until: Date.now() + 8000, candidate: true });
      else state.typing.delete(t.conversationId);
      publish('typing', t);
    },
    typing: (t) => {
      state.typing.set(t.conversationId, { name: t.operatorName, until: Date.now() + 4000 });
      publish('typing', t);
    },
  };
  for (const [event, handle] of Object.entries(pushes)) socket.on(event, handle);
  socket.on('batch', (items) => {
    for (const [event, payload] of items) {
      const handle = Object.hasOwn(pushes, event) ? pushes[event] : undefined;
      if (!handle) continue;
      // One failing handler does not lose the rest of the batch; its error still surfaces.
      try {
        handle(payload);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  });
}

window.addEventListener('offline', () => socket && setStatus('offline'));
window.addEventListener('online', () => {
  if (socket && !socket.connected) {
    setStatus('reconnecting');
    socket.connect();
  }
});

async function catchUp(handlers) {
  const r = await request('sync', cursor ? { since: cursor } : {});
  if (!r.ok) return;
  const data = r.data;
  cursor = data.serverTime;
  if (!data.complete) {
    handlers.onReload?.();
    return;
  }
  data.conversations.forEach(upsertConversation);
  data.messages.forEach(upsertMessage);
  data.notifications.slice().reverse().forEach(addNotification);
  state.unreadNotifications = data.unreadNotifications;
  publish('notifications');
  handlers.onCaughtUp?.(data);
}

/** Emit with an acknowledgement: resolves { ok, data } or { ok: false, error, code }. */
export function request(event, payload) {
  return connected().then(
    (up) =>
      new Promise((resolve) => {
        if (!up || !socket || !socket.connected) {
          resolve({ ok: false, code: 'OFFLINE', error: 'Not connected: wait for the connection to come back.' });
          return;
        }
        socket.timeout(10_000).emit(event, payload, (err, ack) => resolve(err ? { ok: false, code: 'TIMEOUT', error: 'The server did not answer in time.' } : ack));
      }),
  );
}

/** Resolves true once the socket is connected (at once if it is), false after a while or without a socket. */
function connected() {
  if (!socket) return Promise.resolve(false);
  if (socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting = waiting.filter((w) => w !== done);
      resolve(false);
    }, CONNECT_WAIT_MS);
    const done = (up) => {
      clearTimeout(timer);
      resolve(up);
    };
    waiting.push(done);
  });
}

export function send(event, payload) {
  if (socket && socket.connected) socket.emit(event, payload);
}

export function disconnect() {
  const stranded = waiting;
  waiting = [];
  stranded.forEach((resolve) => resolve(false));
  if (socket) {
    socket.removeAllListeners();
    socket.close();
  }
  socket = null;
  cursor = null;
}
