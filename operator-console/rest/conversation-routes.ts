import type { Router } from 'express';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { cvSlice } from '../../core/cv/index.js';
import { NotFoundError } from '../../core/domain/index.js';
import type { Logger, Store } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { ConsoleMessage } from '../contract.js';
import type { ConversationViews } from '../views/conversation-views.js';
import { listFilter } from '../views/conversation-views.js';
import type { Notes } from '../workspace/notes.js';
import { authed, jsonBody, param } from './http.js';
import type { SearchIndex } from '../search/search-index.js';
import type { ConversationStatuses } from '../views/conversation-status.js';

export interface ConversationRouteDeps {
  auth: AuthService;
  views: ConversationViews;
  notes: Notes;
  store: Store;
  /** Stored voice notes must live under this folder. */
  dataDir: string;
  log: Logger;
  search?: SearchIndex;
  statuses?: ConversationStatuses;
}

/**
 * Conversations for the console: the list (`?filter=all|needs-human|at-risk|mine|unassigned`),
 * one conversation, its transcript (JSON, or `?format=text`), timeline, notes, and voice notes.
 */
export function conversationRoutes(router: Router, deps: ConversationRouteDeps): void {
  const { auth, log, views } = deps;
  router.get(
    '/conversations',
    authed(auth, log, async (req, res, operator) => {
      const limit = Math.min(1000, Math.max(1, Number(req.query.limit) || 500));
      const rows = await views.list(listFilter(req.query.filter), operator.id, limit);
      // `?label=<id>`: only conversations carrying that label.
      const label = typeof req.query.label === 'string' && req.query.label ? req.query.label : undefined;
      res.json({ conversations: label ? rows.filter((s) => s.labels?.includes(label)) : rows });
    }),
  );
  // Full-text search: `?q=words` (each a prefix, all required), `?limit=` (default 50, max 200).
  // Snippets mark matched words with U+0002 ... U+0003.
  router.get(
    '/search',
    authed(auth, log, async (req, res) => {
      if (!deps.search) {
        res.status(501).json({ error: 'Search is not available with this store.' });
        return;
      }
      const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
      res.json({ results: await deps.search.search(q, { limit: Number(req.query.limit) || 50 }) });
    }),
  );
  // The team status: `{ status: 'open' | 'pending' | 'resolved' | 'snoozed', snoozedUntil?: ISO }`; answers the summary.
  router.post(
    '/conversations/:id/status',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      if (!deps.statuses) {
        res.status(501).json({ error: 'Conversation status is not available.' });
        return;
      }
      res.json(await deps.statuses.set(operator, param(req, 'id'), req.body));
    }),
  );
  router.get(
    '/conversations/:id',
    authed(auth, log, async (req, res) => {
      res.json(await views.detail(param(req, 'id')));
    }),
  );
  router.get(
    '/conversations/:id/messages',
    authed(auth, log, async (req, res) => {
      const id = param(req, 'id');
      if (!(await deps.store.getConversation(id))) throw new NotFoundError('Conversation', id);
      const messages = await views.messages(id);
      if (req.query.format === 'text') res.type('text/plain; charset=utf-8').attachment(`transcript-${id}.txt`).send(messages.map(transcriptLine).join('\n'));
      else res.json({ messages });
    }),
  );
  router.get(
    '/conversations/:id/timeline',
    authed(auth, log, async (req, res) => {
      res.json({ events: (await views.detail(param(req, 'id'))).events });
    }),
  );
  router.get(
    '/conversations/:id/notes',
    authed(auth, log, async (req, res) => {
      res.json({ notes: (await views.detail(param(req, 'id'))).notes });
    }),
  );
  router.post(
    '/conversations/:id/notes',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await deps.notes.add(operator, param(req, 'id'), (req.body as { text?: unknown } | undefined)?.text));
    }),
  );
  // The candidate's CV as read (skills, years, the role it suggests, the feedback they were given); `cv: null` before one.
  router.get(
    '/conversations/:id/cv',
    authed(auth, log, async (req, res) => {
      const id = param(req, 'id');
      const conversation = await deps.store.getConversation(id);
      if (!conversation) throw new NotFoundError('Conversation', id);
      const cv = cvSlice.read(conversation);
      res.json({ cv: cv ? { ...cv, file: `/api/v1/media/${encodeURIComponent(cv.messageId)}` } : null });
    }),
  );
  router.get(
    '/media/:messageId',
    authed(auth, log, async (req, res) => {
      const id = param(req, 'messageId');
      const path = (await deps.store.getMessage(id))?.media?.storedPath;
      // Only files Parley stored under its data folder, whatever a message row says.
      if (!path || !inside(deps.dataDir, path) || !existsSync(path)) throw new NotFoundError('Voice note', id);
      res.set('Cache-Control', 'private, max-age=3600').sendFile(resolve(path));
    }),
  );
}

function inside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function transcriptLine(m: ConsoleMessage): string {
  const who = m.author === 'candidate' ? 'Candidate' : m.author === 'operator' ? `Recruiter${m.authorName ? ` (${m.authorName})` : ''}` : 'Parley';
  const voice = m.kind === 'voice' ? ' [voice note]' : '';
  return `[${m.createdAt}] ${who}${voice}: ${m.text}`;
}
