import { z } from 'zod';

/** Env settings for WhatsApp (Meta Cloud API, Twilio, WhatsApp Web). Documented in .env.example. */
export const whatsappConfigShape = {
  // Meta WhatsApp Cloud API: enabled when WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID are set.
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_GRAPH_URL: z.url({ error: 'expected an absolute URL such as https://graph.facebook.com/v21.0' }).default('https://graph.facebook.com/v21.0'),
  WHATSAPP_TEMPLATE_NAME: z.string().min(1).optional(),
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().min(2).default('en'),
  // Twilio: enabled when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM are set.
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_WHATSAPP_FROM: z.string().min(1).optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
  TWILIO_TEMPLATE_CONTENT_SID: z.string().min(1).optional(),
  // WhatsApp Web (Baileys): pairing by QR code.
  WHATSAPP_WEB_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Least time between two WhatsApp Web sends, so the number is not flagged for spamming. */
  WHATSAPP_WEB_SEND_INTERVAL_MS: z.coerce.number({ error: 'expected a number of milliseconds' }).int().min(0).max(60_000).default(1000),
} satisfies z.ZodRawShape;
