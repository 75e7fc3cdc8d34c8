import { z } from 'zod';

/** Env settings of the public REST API and outbound webhooks. Documented in .env.example. */
export const apiConfigShape = {
  /** Requests per minute per API key (and per operator token) on the public API; over it: 429 with Retry-After. */
  API_RATE_LIMIT_PER_MIN: z.coerce.number({ error: 'expected a number' }).int().min(1).max(1_000_000).default(600),
  /** Webhook targets allowed even though private, loopback or link-local (comma-separated hosts or IPs). */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(''),
  /** A delivery is retried with exponential backoff for this many hours, then marked failed. */
  WEBHOOK_RETRY_HOURS: z.coerce.number({ error: 'expected a number of hours' }).min(0.001).max(24 * 7).default(24),
  /** First retry delay (doubles each attempt, capped at an hour). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(10).max(3_600_000).default(10_000),
  /** How often the webhook worker looks for new events and due deliveries. */
  WEBHOOK_POLL_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(10).max(60_000).default(1000),
  /** A receiver that has not answered within this is a failed attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(60_000).default(10_000),
  /** ATS webhooks in (POST /webhooks/ats): secrets for Parley-Signature, comma-separated (two during a rotation). Unset: off. */
  ATS_WEBHOOK_SECRETS: z.string().default(''),
  /** Greenhouse web hooks (POST /webhooks/ats/greenhouse): the secret key(s) set in Greenhouse, comma-separated. Unset: off. */
  ATS_GREENHOUSE_SECRETS: z.string().default(''),
} satisfies z.ZodRawShape;
