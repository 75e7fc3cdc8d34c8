import { newId, NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import type { ConversationSummary, Label, OperatorProfile } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import type { ConsoleInboxStore, StoredLabel } from '../store/inbox-types.js';
import { requireActing } from '../takeover/permissions.js';
import type { ConversationViews } from '../views/conversation-views.js';

/** Colours a new label gets in turn when none is given. */
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const MAX_LABELS_PER_CONVERSATION = 20;

export function toWireLabel(l: StoredLabel): Label {
  return { id: l.id, name: l.name, color: l.color, createdBy: l.createdBy, createdAt: l.createdAt.toISOString() };
}

/**
 * Team-wide labels (create, delete) and the labels on each conversation (apply, remove). Every
 * change is audited (`OperatorAction` `label-*`) and pushed live: the label list as `labels`,
 * a conversation's labels as `conversation:upsert`.
 */
export class Labels {
  constructor(private readonly deps: { inbox: ConsoleInboxStore; views: ConversationViews; audit: AuditTrail; broadcaster: Broadcaster; clock: Clock }) {}

  async list(): Promise<Label[]> {
    return (await this.deps.inbox.listLabels()).map(toWireLabel);
  }

  async create(operator: OperatorProfile, input: unknown): Promise<Label> {
    requireActing(operator, 'create labels');
    const body = (input ?? {}) as { name?: unknown; color?: unknown };
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name || name.length > 40) throw new ValidationError('name must be 1 to 40 characters');
    if (body.color !== undefined && (typeof body.color !== 'string' || !/^#[0-9a-f]{6}$/i.test(body.color))) throw new ValidationError('color must look like #2563eb');
    const existing = await this.deps.inbox.listLabels();
    const label: StoredLabel = { id: newId('lbl'), name, color: (body.color as string | undefined) ?? (PALETTE[existing.length % PALETTE.length] as string), createdBy: operator.id, createdAt: this.deps.clock.now() };
    await this.deps.inbox.saveLabel(label);
    await this.deps.audit.record(operator.id, 'label-created', { labelId: label.id, name });
    await this.pushList();
    return toWireLabel(label);
  }

  async remove(operator: OperatorProfile, id: string): Promise<void> {
    requireActing(operator, 'delete labels');
    const label = (await this.deps.inbox.listLabels()).find((l) => l.id === id);
    if (!label || !(await this.deps.inbox.deleteLabel(id))) throw new NotFoundError('Label', id);
    await this.deps.audit.record(operator.id, 'label-deleted', { labelId: id, name: label.name });
    await this.pushList();
  }

  /** Put a label on a conversation (again: nothing changes, nothing is audited). */
  apply(operator: OperatorProfile, conversationId: string, labelId: unknown): Promise<ConversationSummary> {
    return this.change(operator, conversationId, labelId, 'label-applied');
  }

  unapply(operator: OperatorProfile, conversationId: string, labelId: unknown): Promise<ConversationSummary> {
    return this.change(operator, conversationId, labelId, 'label-removed');
  }

  private async change(operator: OperatorProfile, conversationId: string, labelId: unknown, action: 'label-applied' | 'label-removed'): Promise<ConversationSummary> {
    requireActing(operator, 'change labels');
    if (typeof labelId !== 'string' || !labelId) throw new ValidationError('labelId is required');
    const label = (await this.deps.inbox.listLabels()).find((l) => l.id === labelId);
    if (!label && action === 'label-applied') throw new NotFoundError('Label', labelId);
    let changed = false;
    const marks = await this.deps.views.changeLabels(conversationId, (labels) => {
      const has = labels.includes(labelId);
      changed = action === 'label-applied' ? !has : has;
      if (action === 'label-removed') return labels.filter((l) => l !== labelId);
      if (!has && labels.length >= MAX_LABELS_PER_CONVERSATION) throw new ValidationError(`A conversation carries at most ${MAX_LABELS_PER_CONVERSATION} labels`);
      return has ? [...labels] : [...labels, labelId];
    });
    const summary = marks && (await this.deps.views.summaryById(conversationId));
    if (!summary) throw new NotFoundError('Conversation', conversationId);
    if (changed) {
      await this.deps.audit.record(operator.id, action, { labelId, ...(label ? { name: label.name } : {}) }, { conversationId, candidateId: summary.candidateId });
      this.deps.broadcaster.toAll('conversation:upsert', summary);
    }
    return summary;
  }

  private async pushList(): Promise<void> {
    this.deps.broadcaster.toAll('labels', { labels: await this.list() });
  }
}
