import { z } from 'zod';

/** Meta's webhook payload, as far as Parley reads it; unknown fields pass through. */
const MediaSchema = z.looseObject({ id: z.string(), mime_type: z.string().optional(), sha256: z.string().optional(), voice: z.boolean().optional(), caption: z.string().optional(), filename: z.string().optional() });

export const MetaMessageSchema = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  audio: MediaSchema.optional(),
  voice: MediaSchema.optional(),
  document: MediaSchema.optional(),
  image: MediaSchema.optional(),
  video: MediaSchema.optional(),
  button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
});
export type MetaMessage = z.infer<typeof MetaMessageSchema>;

export const MetaStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number(), title: z.string().optional(), message: z.string().optional(), error_data: z.looseObject({ details: z.string().optional() }).optional() })).optional(),
});
export type MetaStatus = z.infer<typeof MetaStatusSchema>;

export const MetaWebhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({
            messaging_product: z.string().optional(),
            metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
            contacts: z.array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
            messages: z.array(z.unknown()).optional(),
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});
export type MetaWebhook = z.infer<typeof MetaWebhookSchema>;
