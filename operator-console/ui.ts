import express, { type Express } from 'express';
import { fileURLToPath } from 'node:url';

/** The console's web app: plain ES modules and CSS, served as they are (no build step). */
export const CONSOLE_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

// The app never needs inline scripts or other origins; candidate text can never run as code.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Serve the UI at /console (index) and /console/* (modules, styles). */
export function mountConsoleUi(app: Express): void {
  const page = (file: string) => (_req: unknown, res: import('express').Response) => {
    res.set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' });
    res.sendFile(file, { root: CONSOLE_PUBLIC_DIR });
  };
  app.get(['/console', '/console/'], page('index.html'));
  // An operator invite link (`/console/invite#<token>`): choose a password, then sign in.
  app.get('/console/invite', page('invite.html'));
  app.use(
    '/console',
    express.static(CONSOLE_PUBLIC_DIR, {
      index: false,
      maxAge: '5m',
      setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff'),
    }),
  );
}
