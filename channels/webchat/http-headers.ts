import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths that serve the web chat page and its assets. */
const CHAT_PAGE = /^\/chat(?:[/?#]|$)/;
const CHAT_ASSETS = /^\/(?:widget\.js(?:[?#]|$)|webchat\/)/;

/**
 * Security headers for `/chat`, `/widget.js` and `/webchat/*`: a Content-Security-Policy that
 * allows only Parley's own scripts, styles and socket, `nosniff`, and a frame policy. The chat may
 * be framed by its own origin and by `frameAncestors` (the careers sites that embed the widget).
 *
 * @example
 * http.prependListener('request', webchatSecurityHeaders(["https://careers.example.com"]));
 */
export function webchatSecurityHeaders(frameAncestors: readonly string[]): (req: IncomingMessage, res: ServerResponse) => void {
  const ancestors = ["'self'", ...frameAncestors.filter((s) => s !== "'self'")].join(' ');
  const pagePolicy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data: https:",
    // Voice notes: the candidate's recording and spoken questions play from blob: URLs.
    "media-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  // Scripts and styles are never documents: nothing may load or frame them as one.
  const assetPolicy = "default-src 'none'; frame-ancestors 'none'";
  const onlySelf = frameAncestors.every((s) => s === "'self'");
  return (req, res) => {
    const path = req.url ?? '';
    const page = CHAT_PAGE.test(path);
    if (!page && !CHAT_ASSETS.test(path)) return;
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', page ? pagePolicy : assetPolicy);
    res.setHeader('Referrer-Policy', 'no-referrer');
    // For browsers without CSP frame-ancestors; an allow-list cannot be expressed in X-Frame-Options.
    if (page && onlySelf) res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  };
}
