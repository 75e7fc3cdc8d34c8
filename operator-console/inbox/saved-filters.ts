import { newId, NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { CONVERSATION_FILTERS, type InboxQuery, type OperatorProfile, type SavedFilter } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import type { ConsoleInboxStore, StoredSavedFilter } from '../store/inbox-types.js';
import { CONVERSATION_STATUSES } from '../views/conversation-status.js';

const MAX_FILTERS = 50;

function toWire(f: StoredSavedFilter): SavedFilter {
  return { id: f.id, name: f.name, query: f.query, createdAt: f.createdAt.toISOString() };
}

/** A list view as sent: only known fields, each checked. Throws `ValidationError`. */
export function parseInboxQuery(input: unknown): InboxQuery {
  const q = (input ?? {}) as Record<string, unknown>;
  const out: InboxQuery = {};
  if (q.filter !== undefined) {
    if (!(CONVERSATION_FILTERS as readonly unknown[]).includes(q.filter)) throw new ValidationError(`query.filter must be one of ${CONVERSATION_FILTERS.join(', ')}`);
    out.filter = q.filter as InboxQuery['filter'];
  }
  if (q.status !== undefined) {
    if (q.status !== 'any' && !(CONVERSATION_STATUSES as readonly unknown[]).includes(q.status)) throw new ValidationError('query.status must be any, open, pending, resolved or snoozed');
    out.status = q.status as InboxQuery['status'];
  }
  if (q.label !== undefined && q.label !== '') {
    if (typeof q.label !== 'string' || q.label.length > 100) throw new ValidationError('query.label must be a label id');
    out.label = q.label;
  }
  if (q.search !== undefined && q.search !== '') {
    if (typeof q.search !== 'string' || q.search.length > 200) throw new ValidationError('query.search must be text (at most 200 characters)');
    out.search = q.search;
  }
  return out;
}

/**
 * Each operator's saved list views (any role: they change nothing for others). Audited
 * (`saved-filter-created` / `saved-filter-deleted`) and pushed to the operator's own consoles.
 */
export class SavedFilters {
  constructor(private readonly deps: { inbox: ConsoleInboxStore; audit: AuditTrail; broadcaster: Broadcaster; clock: Clock }) {}

  async list(operator: OperatorProfile): Promise<SavedFilter[]> {
    return (await this.deps.inbox.listSavedFilters(operator.id)).map(toWire);
  }

  async create(operator: OperatorProfile, input: unknown): Promise<SavedFilter> {
    const body = (input ?? {}) as { name?: unknown; query?: unknown };
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > 60) throw new ValidationError('name must be 1 to 60 characters');
    const query = parseInboxQuery(body.query);
    if ((await this.deps.inbox.listSavedFilters(operator.id)).length >= MAX_FILTERS) throw new ValidationError(`At most ${MAX_FILTERS} saved filters per operator`);
    const saved: StoredSavedFilter = { id: newId('flt'), operatorId: operator.id, name, query, createdAt: this.deps.clock.now() };
    await this.deps.inbox.saveSavedFilter(saved);
    await this.deps.audit.record(operator.id, 'saved-filter-created', { filterId: saved.id, name, query });
    await this.push(operator);
    return toWire(saved);
  }

  async remove(operator: OperatorProfile, id: string): Promise<void> {
    if (!(await this.deps.inbox.deleteSavedFilter(operator.id, id))) throw new NotFoundError('Saved filter', id);
    await this.deps.audit.record(operator.id, 'saved-filter-deleted', { filterId: id });
    await this.push(operator);
  }

  private async push(operator: OperatorProfile): Promise<void> {
    this.deps.broadcaster.toOperator(operator.id, 'saved-filters', { filters: await this.list(operator) });
  }
}
