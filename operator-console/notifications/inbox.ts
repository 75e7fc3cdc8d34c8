import type { Clock } from '../../core/ports/index.js';
import type { ConsoleNotification } from '../contract.js';
import type { ConsoleStore, Operator } from '../store/types.js';
import { toWireNotification } from '../wire.js';

/** An operator's notifications: everything since they joined, read or not. */
export class NotificationInbox {
  constructor(private readonly deps: { consoleStore: ConsoleStore; clock: Clock }) {}

  async list(operator: Operator, opts: { unreadOnly?: boolean; after?: Date; limit?: number } = {}): Promise<ConsoleNotification[]> {
    const rows = await this.deps.consoleStore.listNotifications(operator.id, { visibleFrom: operator.createdAt, ...opts });
    return rows.map((n) => toWireNotification(n, n.read));
  }

  unread(operator: Operator): Promise<number> {
    return this.deps.consoleStore.countUnreadNotifications(operator.id, operator.createdAt);
  }

  async markRead(operator: Operator, ids: readonly string[] | 'all'): Promise<number> {
    await this.deps.consoleStore.markNotificationsRead(operator.id, ids, this.deps.clock.now());
    return this.unread(operator);
  }
}
