import { createHmac } from 'node:crypto';

/** Lower-cased bare address (`"Ann" <Ann@Example.com>` -> `ann@example.com`), or undefined. */
export function normaliseAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  const bare = (angle ? angle[1] : value)!.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(bare) ? bare : undefined;
}

/** The domain of an address (`jobs@acme.example` -> `acme.example`). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/**
 * The per-conversation reply token: an HMAC of the conversation's address, so it cannot be
 * guessed for someone else's conversation, and the same on every send (one Reply-To per thread).
 */
export function replyToken(secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(`reply:${externalId}`).digest('hex').slice(0, 24);
}

/** `jobs@acme.example` + token -> `jobs+r<token>@acme.example` (plus addressing). */
export function plusAddress(base: string, token: string): string {
  const at = base.lastIndexOf('@');
  return `${base.slice(0, at)}+r${token}${base.slice(at)}`;
}

/** The reply token in a plus address (`jobs+r<token>@...`), if any. */
export function tokenFromAddress(address: string): string | undefined {
  return /\+r([0-9a-f]{24})@/i.exec(address)?.[1]?.toLowerCase();
}

/** Message-IDs in a header value (`<a@b> <c@d>`), without angle brackets. */
export function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
}
