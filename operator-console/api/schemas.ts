import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { STAGES } from '../../core/domain/index.js';
import { API_SCOPES } from './keys.js';

extendZodWithOpenApi(z);

/** Every schema of the public API: the same objects parse requests and generate the OpenAPI spec. */

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.string()).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

const isoDate = z.string().openapi({ format: 'date-time', example: '2026-11-30T12:00:00.000Z' });
const Stage = z.enum(STAGES).openapi('Stage');
export const ScopeSchema = z.enum(API_SCOPES).openapi('Scope');

export const CandidateSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    role: z.string().optional(),
    stage: Stage,
    optedOut: z.boolean(),
    unreachable: z.boolean(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('Candidate');

export const CandidatePageSchema = z.object({ data: z.array(CandidateSchema), nextCursor: z.string().nullable() }).openapi('CandidatePage');

export const CandidateListQuery = z.object({
  stage: Stage.optional(),
  role: z.string().optional(),
  channel: z.string().optional().openapi({ description: 'Only candidates with a conversation on this channel' }),
  updatedSince: z.string().datetime().optional(),
  risk: z.enum(['low', 'medium', 'high', 'at-risk']).optional().openapi({ description: 'Latest risk level of any of their conversations, or at-risk (an alert or high)' }),
  q: z.string().max(200).optional().openapi({ description: 'Search in name, email and phone' }),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The candidate fields an integration may set: one definition for create and update. */
const candidateFields = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{6,20}$/)
    .optional(),
  role: z.string().max(100).optional(),
});

export const CandidateCreateSchema = candidateFields.openapi('CandidateCreate');

export const CandidatePatchSchema = candidateFields
  .partial()
  .extend({
    stage: Stage.optional(),
  })
  .openapi('CandidatePatch');

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const ConversationSchema = z
  .object({
    id: z.string(),
    candidateId: z.string(),
    channel: z.string(),
    mode: z.enum(['bot', 'human']),
    stage: Stage,
    needsHuman: z.boolean(),
    assignedOperatorId: z.string().optional(),
    lastActivityAt: isoDate,
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('Conversation');

export const ConversationListQuery = z.object({
  stage: Stage.optional(),
  mode: z.enum(['bot', 'human']).optional(),
  needsHuman: z.enum(['true', 'false']).optional(),
  candidateId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const MessageSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['in', 'out']),
    author: z.enum(['bot', 'system', 'candidate', 'operator']),
    text: z.string(),
    kind: z.string(),
    status: z.string(),
    createdAt: isoDate,
  })
  .openapi('Message');

export const RoleSchema = z
  .object({ id: z.string(), title: z.string(), skills: z.array(z.object({ id: z.string(), name: z.string(), questions: z.number().int() })) })
  .openapi('Role');

export const ApiKeySchema = z
  .object({ id: z.string(), name: z.string(), scope: ScopeSchema, prefix: z.string(), createdBy: z.string(), createdAt: isoDate, lastUsedAt: isoDate.optional(), revokedAt: isoDate.optional() })
  .openapi('ApiKey');
export const ApiKeyCreateSchema = z.object({ name: z.string().trim().min(1).max(100), scope: ScopeSchema }).openapi('ApiKeyCreate');
export const ApiKeyCreatedSchema = ApiKeySchema.extend({ key: z.string().openapi({ description: 'The key itself: shown this once, never again' }) }).openapi('ApiKeyCreated');

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    at: isoDate,
    actor: z.string(),
    action: z.string().optional(),
    candidateId: z.string().optional(),
    conversationId: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

export const AuditQuery = z.object({
  actor: z.string().optional().openapi({ description: 'e.g. operator:<id> or apikey:<id>' }),
  candidateId: z.string().optional(),
  type: z.string().optional(),
  since: z.string().datetime().optional(),
  until: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const WEBHOOK_EVENTS = [
  'candidate.created',
  'candidate.stage_changed',
  'interview.completed',
  'interview.scheduled',
  'candidate.feedback',
  'candidate.at_risk',
  'conversation.needs_human',
  'conversation.taken_over',
  'conversation.handed_back',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    active: z.boolean(),
    description: z.string().optional(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .openapi('WebhookSubscription');
export const SubscriptionCreatedSchema = SubscriptionSchema.extend({ secret: z.string().openapi({ description: 'Signing secret: shown this once' }) }).openapi('WebhookSubscriptionCreated');
export const SubscriptionCreateSchema = z
  .object({ url: z.url({ protocol: /^https?$/ }), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1), description: z.string().max(200).optional(), active: z.boolean().default(true) })
  .openapi('WebhookSubscriptionCreate');
export const SubscriptionPatchSchema = z
  .object({ url: z.url({ protocol: /^https?$/ }).optional(), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(), description: z.string().max(200).optional(), active: z.boolean().optional() })
  .openapi('WebhookSubscriptionPatch');

export const DeliverySchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: isoDate,
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    createdAt: isoDate,
    deliveredAt: isoDate.optional(),
  })
  .openapi('WebhookDelivery');
