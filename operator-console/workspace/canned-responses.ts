import { z } from 'zod';
import { NotFoundError, ValidationError, newId } from '../../core/domain/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import { MAX_OPERATOR_TEXT, type CannedResponse, type OperatorProfile } from '../contract.js';
import type { ConsoleStore } from '../store/types.js';
import { requireActing } from '../takeover/permissions.js';
import { toWireCanned } from '../wire.js';

const CannedSchema = z.object({
  title: z.string({ error: 'title must be a string' }).trim().min(1, 'title must not be empty').max(80, 'title must be at most 80 characters'),
  text: z.string({ error: 'text must be a string' }).trim().min(1, 'text must not be empty').max(MAX_OPERATOR_TEXT, `text must be at most ${MAX_OPERATOR_TEXT} characters`),
});

/** Saved replies operators insert into the composer. Changes are audited. */
export class CannedResponses {
  constructor(private readonly deps: { consoleStore: ConsoleStore; audit: AuditTrail; clock: Clock }) {}

  async list(): Promise<CannedResponse[]> {
    return (await this.deps.consoleStore.listCannedResponses()).map(toWireCanned);
  }

  async create(operator: OperatorProfile, input: unknown): Promise<CannedResponse> {
    requireActing(operator, 'edit canned responses');
    const { title, text } = parse(input);
    const now = this.deps.clock.now();
    const canned = { id: newId('canned'), title, text, createdBy: operator.id, createdAt: now, updatedAt: now };
    await this.deps.consoleStore.saveCannedResponse(canned);
    await this.deps.audit.record(operator.id, 'canned-response-created', { cannedResponseId: canned.id, title });
    return toWireCanned(canned);
  }

  async update(operator: OperatorProfile, id: string, input: unknown): Promise<CannedResponse> {
    requireActing(operator, 'edit canned responses');
    const { title, text } = parse(input);
    const current = await this.deps.consoleStore.getCannedResponse(id);
    if (!current) throw new NotFoundError('Canned response', id);
    const canned = { ...current, title, text, updatedAt: this.deps.clock.now() };
    await this.deps.consoleStore.saveCannedResponse(canned);
    await this.deps.audit.record(operator.id, 'canned-response-updated', { cannedResponseId: id, title });
    return toWireCanned(canned);
  }

  async remove(operator: OperatorProfile, id: string): Promise<void> {
    requireActing(operator, 'edit canned responses');
    if (!(await this.deps.consoleStore.deleteCannedResponse(id))) throw new NotFoundError('Canned response', id);
    await this.deps.audit.record(operator.id, 'canned-response-deleted', { cannedResponseId: id });
  }
}

function parse(input: unknown): z.infer<typeof CannedSchema> {
  const parsed = CannedSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid canned response', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
  return parsed.data;
}
