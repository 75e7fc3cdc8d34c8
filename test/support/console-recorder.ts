import { io, type Socket } from 'socket.io-client';

/** One console push: its event and payload (a `batch` item has the same shape). */
export type Push = [event: string, payload: unknown];

/** A console socket that records every packet, and the pushes they carry (a batch's items in order). */
export interface Recorder {
  socket: Socket;
  packets: Push[];
  /** Pushes received in order (a batch's items unpacked), `hello` left out. */
  pushes: Push[];
}

/**
 * Connect to `/console` at `baseUrl` with `token`, opted in to batched pushes when `batch`, and
 * resolve once the server said `hello`.
 */
export async function connectRecorder(baseUrl: string, token: string, batch: boolean): Promise<Recorder> {
  const socket = io(`${baseUrl}/console`, { auth: batch ? { token, batch: 1 } : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const r: Recorder = { socket, packets: [], pushes: [] };
  socket.onAny((event: string, payload: unknown) => {
    r.packets.push([event, payload]);
    if (event === 'batch') r.pushes.push(...(payload as Push[]));
    else if (event !== 'hello') r.pushes.push([event, payload]);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('hello', () => resolve());
    socket.once('connect_error', reject);
  });
  return r;
}
