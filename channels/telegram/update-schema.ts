import { z } from 'zod';

/**
 * The part of the Bot API `Update` Parley reads (https://core.telegram.org/bots/api#update).
 * Objects are loose: Telegram adds fields over time and unknown ones must not fail parsing.
 */
const UserSchema = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().default(false),
  first_name: z.string().default(''),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const ChatSchema = z.looseObject({ id: z.number().int(), type: z.string() });

const file = { file_id: z.string().min(1), file_unique_id: z.string().optional(), file_size: z.number().int().nonnegative().optional() };

const InlineKeyboardSchema = z.looseObject({
  inline_keyboard: z.array(z.array(z.looseObject({ text: z.string(), callback_data: z.string().optional() }))),
});

/** A message (also an edited one, and the message a button sits on). */
export const TelegramMessageSchema = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat: ChatSchema,
  from: UserSchema.optional(),
  edit_date: z.number().int().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int() })).optional(),
  voice: z.looseObject({ ...file, duration: z.number().nonnegative(), mime_type: z.string().optional() }).optional(),
  audio: z.looseObject({ ...file, duration: z.number().nonnegative(), mime_type: z.string().optional(), file_name: z.string().optional() }).optional(),
  document: z.looseObject({ ...file, file_name: z.string().optional(), mime_type: z.string().optional() }).optional(),
  photo: z.array(z.looseObject({ ...file, width: z.number().int(), height: z.number().int() })).optional(),
  reply_markup: InlineKeyboardSchema.optional(),
});
export type TelegramMessage = z.infer<typeof TelegramMessageSchema>;

/** A button press on an inline keyboard. */
export const TelegramCallbackQuerySchema = z.looseObject({
  id: z.string().min(1),
  from: UserSchema,
  /** Absent for inline-mode buttons; `date: 0` when the message is too old to be accessible. */
  message: TelegramMessageSchema.optional(),
  data: z.string().optional(),
});

export type TelegramCallbackQuery = z.infer<typeof TelegramCallbackQuerySchema>;

/** One update; only the kinds Parley handles are typed, the rest are kept for logging. */
export const TelegramUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: TelegramMessageSchema.optional(),
  edited_message: TelegramMessageSchema.optional(),
  callback_query: TelegramCallbackQuerySchema.optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdateSchema>;
export type TelegramUser = z.infer<typeof UserSchema>;
