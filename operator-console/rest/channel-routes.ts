import type { Router } from 'express';
import { NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Logger, Store } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { TakeoverService } from '../takeover/takeover-service.js';
import { toConsoleMessage } from '../wire.js';
import { authed, jsonBody, param } from './http.js';

export interface ChannelReplyDeps {
  auth: AuthService;
  store: Store;
  takeovers: TakeoverService;
  log: Logger;
}

/**
 * One candidate, several channels (same phone or email address: one candidate, one conversation
 * per channel). The console's channel picker lists them and answers on the one the recruiter picks.
 *
 * - `GET /conversations/:id/channels`: the candidate's conversations, newest activity first.
 * - `POST /conversations/:id/reply` `{ conversationId, text }`: answer on the candidate's
 *   conversation `conversationId` (this one or another channel's). The takeover rules apply to
 *   that conversation: the recruiter takes it over (so its bot stays silent; refused when another
 *   operator holds it) and replies there, through the engine and the outbound policy (opt-out,
 *   unreachable still stop it).
 */
export function channelReplyRoutes(router: Router, deps: ChannelReplyDeps): void {
  const { auth, log, store, takeovers } = deps;
  router.get(
    '/conversations/:id/channels',
    authed(auth, log, async (req, res) => {
      const id = param(req, 'id');
      const conversation = await store.getConversation(id);
      if (!conversation) throw new NotFoundError('Conversation', id);
      const all = await store.listConversations({ candidateId: conversation.candidateId, limit: 100 });
      all.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime());
      res.json({
        channels: all.map((c) => ({
          conversationId: c.id,
          channel: c.ref.channel,
          lastActivityAt: c.lastActivityAt.toISOString(),
          mode: c.mode,
          ...(c.mode === 'human' && c.assignedOperatorId ? { assignedOperatorId: c.assignedOperatorId } : {}),
          current: c.id === id,
        })),
      });
    }),
  );
  router.post(
    '/conversations/:id/reply',
    jsonBody(log),
    authed(auth, log, async (req, res, operator) => {
      const id = param(req, 'id');
      const body = (req.body ?? {}) as { conversationId?: unknown; text?: unknown };
      const targetId = typeof body.conversationId === 'string' && body.conversationId ? body.conversationId : id;
      const [from, target] = await Promise.all([store.getConversation(id), store.getConversation(targetId)]);
      if (!from) throw new NotFoundError('Conversation', id);
      if (!target || target.candidateId !== from.candidateId) throw new ValidationError('Invalid channel', ['conversationId must be one of this candidate\'s conversations']);
      if (typeof body.text !== 'string' || !body.text.trim()) throw new ValidationError('Invalid message', ['text must not be empty']);
      // Another channel: take it over first (a no-op when already held by this operator).
      if (target.id !== from.id) await takeovers.takeover(operator, target.id);
      const message = await takeovers.send(operator, target.id, body.text);
      res.status(201).json({ ...toConsoleMessage(message, operator.name), channel: target.ref.channel });
    }),
  );
}
