import { z } from 'zod';

const count = (what: string, max: number) => z.coerce.number({ error: `expected a number of ${what}` }).int(`expected a whole number of ${what}`).min(1).max(max);

/** Scheduling by chat (docs/scheduling.md). Each setting is documented in .env.example. */
export const schedulingConfigShape = {
  /** `recommended`: offer slots after a screening that recommends the candidate; `off`: only on a recruiter's call. */
  SCHEDULING_AUTO_OFFER: z.enum(['off', 'recommended']).default('off'),
  SCHEDULING_SLOT_MINUTES: count('minutes', 480).default(45),
  SCHEDULING_OFFER_COUNT: count('slots', 10).default(3),
  SCHEDULING_MIN_NOTICE_HOURS: z.coerce.number({ error: 'expected a number of hours' }).min(0).max(720).default(12),
  SCHEDULING_HORIZON_DAYS: count('days', 90).default(14),
  SCHEDULING_VIDEO_LINK: z.url({ error: 'expected an absolute URL such as https://meet.example.com/acme' }).optional(),
};
