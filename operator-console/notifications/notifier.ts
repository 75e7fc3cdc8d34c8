import { newId } from '../../core/domain/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { ConsoleNotification, NotificationKind } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import type { ConsoleStore } from '../store/types.js';
import { toWireNotification } from '../wire.js';

/** One conversation gets at most one notification of a kind within this window. */
export const NOTIFICATION_DEDUPE_MS = 60_000;

export interface NotifyRequest {
  kind: NotificationKind;
  title: string;
  body: string;
  conversationId?: string;
  /** Only this operator; unset: every operator. */
  operatorId?: string;
  /** False: always written (one per action, such as each assignment), never merged with a recent one. */
  dedupe?: boolean;
}

/**
 * Persists operator notifications and pushes them live. The same alert often arrives twice (a
 * `HumanRequested` event and the turn's notifyOperators effect): the second is dropped.
 *
 * @example
 * await notifier.notify({ kind: 'needs-human', title: 'Ana asked for a recruiter', body: '/human', conversationId });
 */
export class Notifier {
  constructor(private readonly deps: { consoleStore: ConsoleStore; broadcaster: Broadcaster; clock: Clock }) {}

  /** The notification as pushed, or undefined when it duplicated a recent one. */
  async notify(n: NotifyRequest): Promise<ConsoleNotification | undefined> {
    const now = this.deps.clock.now();
    const stored = {
      id: newId('ntf'),
      kind: n.kind,
      title: n.title,
      body: n.body,
      ...(n.conversationId ? { conversationId: n.conversationId } : {}),
      ...(n.operatorId ? { operatorId: n.operatorId } : {}),
      createdAt: now,
    };
    const written = await this.deps.consoleStore.addNotification(stored, n.conversationId && n.dedupe !== false ? new Date(now.getTime() - NOTIFICATION_DEDUPE_MS) : undefined);
    if (!written) return undefined;
    const wire = toWireNotification(stored, false);
    if (n.operatorId) this.deps.broadcaster.toOperator(n.operatorId, 'notification', wire);
    else this.deps.broadcaster.toAll('notification', wire);
    return wire;
  }
}
