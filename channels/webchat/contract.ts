/**
 * The web chat's Socket.IO contract (namespace `/webchat`), shared by the server and tests.
 * The browser client (public/chat.js) follows the same shapes.
 */
export interface WebchatMessage {
  id: string;
  author: 'candidate' | 'bot' | 'operator' | 'system';
  text: string;
  createdAt: string;
  choices?: { id: string; label: string }[];
}

export type WebchatAck = { ok: true; id: string; duplicate?: boolean } | { ok: false; error: string };

export interface WebchatServerToClient {
  session: (p: { sessionId: string; conversationId: string }) => void;
  history: (messages: WebchatMessage[]) => void;
  message: (m: WebchatMessage) => void;
  typing: (p: { typing: boolean }) => void;
}

export interface WebchatClientToServer {
  message: (p: { text: string; clientMessageId: string }, ack: (r: WebchatAck) => void) => void;
}

export interface WebchatSocketData {
  sessionId: string;
  conversationId: string;
  /** Timestamps of recent messages, for the per-connection rate limit. */
  recent: number[];
}

export const WEBCHAT_NAMESPACE = '/webchat';
export const MAX_WEBCHAT_TEXT = 4000;
