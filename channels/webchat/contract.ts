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
  /** The recruiter's name on operator messages, when Parley knows it (from their join notice). */
  authorName?: string;
  /** Set on the takeover notices: a recruiter joined or left the chat. */
  notice?: 'joined' | 'left';
}

/** How the chat presents itself (WEBCHAT_* branding settings), sent on every connection. */
export interface WebchatBranding {
  companyName: string;
  logoUrl?: string;
  accentColor: string;
  greeting: string;
  availability: string;
}

export type WebchatAck = { ok: true; id: string; duplicate?: boolean } | { ok: false; error: string };

/**
 * The session the server holds for this browser. `sessionId` is the browser's secret: keep it,
 * send it back as `auth.sessionId` when reconnecting, show it to nobody. A new or rotated secret
 * replaces the old one. `conversationId` is set once the first message was accepted (no
 * conversation exists before), and the event is sent again then.
 */
export interface WebchatSessionInfo {
  sessionId: string;
  conversationId?: string;
}

export interface WebchatServerToClient {
  session: (p: WebchatSessionInfo) => void;
  history: (messages: WebchatMessage[]) => void;
  message: (m: WebchatMessage) => void;
  typing: (p: { typing: boolean }) => void;
  branding: (b: WebchatBranding) => void;
  /** What the candidate's voice note (posted to `/chat/voice`) said, once transcribed. */
  transcript: (p: { messageId: string; text: string }) => void;
  /** A spoken question (voice replies): Ogg/Opus bytes, played under the message `messageId`. */
  voice: (p: { messageId?: string; mime: string; audio: Buffer | ArrayBuffer; durationSec?: number }) => void;
}

export interface WebchatClientToServer {
  message: (p: { text: string; clientMessageId: string }, ack: (r: WebchatAck) => void) => void;
  /** The candidate is typing (true) or stopped (false); best effort, never stored. */
  typing: (p: { typing: boolean }) => void;
}

export interface WebchatSocketData {
  /** The browser's secret (only ever sent back to this socket). */
  secret: string;
  /** The session's public id: the conversation's external id and room name. */
  publicId: string;
  /** Set once the conversation exists (after the first accepted message). */
  conversationId?: string;
  /** True until the session is stored: its first message creates it (and the conversation). */
  pending: boolean;
  /** The session being stored by a first message, so concurrent first messages wait for it. */
  starting?: Promise<boolean>;
  /** The client's address, for per-client limits. */
  address: string;
}

export const WEBCHAT_NAMESPACE = '/webchat';
export const MAX_WEBCHAT_TEXT = 4000;
