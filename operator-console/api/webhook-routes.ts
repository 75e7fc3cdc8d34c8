import { z } from 'zod';
import { NotFoundError } from '../../core/domain/index.js';
import type { ApiRouter } from './router.js';
import { DeliverySchema, IdParams, SubscriptionCreatedSchema, SubscriptionCreateSchema, SubscriptionPatchSchema, SubscriptionSchema, WEBHOOK_EVENTS } from './schemas.js';
import type { WebhookDelivery, Webhooks, WebhookSubscription } from './webhooks.js';

function subJson(s: WebhookSubscription): z.infer<typeof SubscriptionSchema> {
  return { id: s.id, url: s.url, events: s.events, active: s.active, ...(s.description ? { description: s.description } : {}), createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
}

function deliveryJson(d: WebhookDelivery): z.infer<typeof DeliverySchema> {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    ...(d.lastStatusCode !== undefined ? { lastStatusCode: d.lastStatusCode } : {}),
    ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
    createdAt: d.createdAt.toISOString(),
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt.toISOString() } : {}),
  };
}

/** Webhook subscriptions and their delivery log (admin scope: they carry signing secrets and send data out). */
export function registerWebhookRoutes(api: ApiRouter, webhooks: Webhooks): void {
  // What Parley sends to a subscription (OpenAPI 3.1 `webhooks`), one entry per event type.
  for (const type of WEBHOOK_EVENTS) {
    api.registry.registerWebhook({
      method: 'post',
      path: type,
      summary: `${type}: sent to subscriptions that include it`,
      request: {
        headers: z.object({
          'parley-signature': z.string().openapi({ description: 't=<unix>,v1=<hex HMAC-SHA256 of t + "." + raw body with the subscription secret>' }),
          'parley-event-id': z.string().openapi({ description: 'Stable across retries and resends: deduplicate on it' }),
          'parley-event-type': z.literal(type),
          'parley-delivery-id': z.string(),
        }),
        body: {
          content: {
            'application/json': {
              schema: z.object({ id: z.string(), type: z.literal(type), createdAt: z.string().openapi({ format: 'date-time' }), data: z.record(z.string(), z.unknown()) }),
            },
          },
        },
      },
      responses: { 200: { description: 'Any 2xx acknowledges; anything else is retried with backoff for up to WEBHOOK_RETRY_HOURS' } },
    });
  }
  const subOr404 = async (id: string) => {
    const s = await webhooks.getSubscription(id);
    if (!s) throw new NotFoundError('Webhook subscription', id);
    return s;
  };
  api.add({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhookSubscriptions',
    summary: 'Webhook subscriptions',
    tag: 'Webhooks',
    scope: 'admin',
    responses: { 200: { description: 'Subscriptions', schema: z.object({ data: z.array(SubscriptionSchema) }) } },
    handler: async () => ({ status: 200, body: { data: (await webhooks.listSubscriptions()).map(subJson) } }),
  });
  api.add({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhookSubscription',
    summary: 'Subscribe a URL to events; the signing secret is in this answer only. Private, loopback and link-local targets are refused.',
    tag: 'Webhooks',
    scope: 'admin',
    body: SubscriptionCreateSchema,
    responses: { 201: { description: 'Created', schema: SubscriptionCreatedSchema } },
    handler: async ({ body }) => {
      const s = await webhooks.createSubscription({ url: body.url, events: body.events, active: body.active, ...(body.description ? { description: body.description } : {}) });
      return { status: 201, body: { ...subJson(s), secret: s.secret } };
    },
  });
  api.add({
    method: 'get',
    path: '/webhooks/{id}',
    operationId: 'getWebhookSubscription',
    summary: 'One subscription',
    tag: 'Webhooks',
    scope: 'admin',
    params: IdParams,
    responses: { 200: { description: 'The subscription', schema: SubscriptionSchema } },
    handler: async ({ params }) => ({ status: 200, body: subJson(await subOr404(params.id)) }),
  });
  api.add({
    method: 'patch',
    path: '/webhooks/{id}',
    operationId: 'updateWebhookSubscription',
    summary: 'Change a subscription (URL, events, active)',
    tag: 'Webhooks',
    scope: 'admin',
    params: IdParams,
    body: SubscriptionPatchSchema,
    responses: { 200: { description: 'Updated', schema: SubscriptionSchema } },
    handler: async ({ params, body }) => {
      await subOr404(params.id);
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const s = await webhooks.updateSubscription(params.id, patch);
      return { status: 200, body: subJson(s ?? (await subOr404(params.id))) };
    },
  });
  api.add({
    method: 'delete',
    path: '/webhooks/{id}',
    operationId: 'deleteWebhookSubscription',
    summary: 'Delete a subscription (pending deliveries are dropped)',
    tag: 'Webhooks',
    scope: 'admin',
    params: IdParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params }) => {
      if (!(await webhooks.deleteSubscription(params.id))) throw new NotFoundError('Webhook subscription', params.id);
      return { status: 204 };
    },
  });
  api.add({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'The subscription\'s delivery log, newest first',
    tag: 'Webhooks',
    scope: 'admin',
    params: IdParams,
    responses: { 200: { description: 'Deliveries', schema: z.object({ data: z.array(DeliverySchema) }) } },
    handler: async ({ params }) => {
      await subOr404(params.id);
      return { status: 200, body: { data: (await webhooks.listDeliveries(params.id)).map(deliveryJson) } };
    },
  });
  api.add({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/resend',
    operationId: 'resendWebhookDelivery',
    summary: 'Send a delivery again (same event id and body)',
    tag: 'Webhooks',
    scope: 'admin',
    params: IdParams.extend({ deliveryId: z.string().min(1).max(100) }),
    responses: { 202: { description: 'Queued', schema: DeliverySchema } },
    handler: async ({ params }) => {
      const d = await webhooks.getDelivery(params.deliveryId);
      if (!d || d.subscriptionId !== params.id) throw new NotFoundError('Webhook delivery', params.deliveryId);
      return { status: 202, body: deliveryJson((await webhooks.resend(d.id)) ?? d) };
    },
  });
}
