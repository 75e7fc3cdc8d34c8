import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { OPERATOR_ROLES } from '../contract.js';
import { ConsoleError } from '../errors.js';
import type { Operator, OperatorStore } from '../store/types.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';

export const OperatorInputSchema = z.object({
  email: z.email({ error: 'expected an email address' }).max(254),
  name: z.string().trim().min(1, 'name must not be empty').max(100),
  role: z.enum(OPERATOR_ROLES, { error: `role must be one of ${OPERATOR_ROLES.join(', ')}` }),
  password: z.string().min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
});
export type OperatorInput = z.input<typeof OperatorInputSchema>;

/**
 * Create an operator account. Throws `ValidationError` naming each bad field, or
 * `ConsoleError('CONFLICT')` when the email is taken.
 *
 * @example
 * await addOperator(operators, { email: 'ana@acme.test', name: 'Ana', role: 'recruiter', password: 's3cret-pass' }, new Date());
 */
export async function addOperator(operators: OperatorStore, input: OperatorInput, now: Date): Promise<Operator> {
  const parsed = OperatorInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid operator', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const { password, ...rest } = parsed.data;
  return operators.create({ ...rest, passwordHash: await hashPassword(password) }, now);
}

/** Deactivate (or reactivate) an operator: a deactivated one can no longer sign in or act. */
export async function setOperatorActive(operators: OperatorStore, email: string, active: boolean, now: Date): Promise<Operator> {
  const operator = await operators.findByEmail(email);
  if (!operator) throw new NotFoundError('Operator', email);
  return (await operators.update(operator.id, { active }, now)) as Operator;
}

export async function setOperatorPassword(operators: OperatorStore, email: string, password: string, now: Date): Promise<Operator> {
  const parsed = OperatorInputSchema.shape.password.safeParse(password);
  if (!parsed.success) throw new ValidationError('Invalid password', parsed.error.issues.map((i) => i.message));
  const operator = await operators.findByEmail(email);
  if (!operator) throw new NotFoundError('Operator', email);
  return (await operators.update(operator.id, { passwordHash: await hashPassword(password) }, now)) as Operator;
}

export interface FirstAdminOptions {
  email?: string | undefined;
  password?: string | undefined;
  /** Where operators sign in, for the log line. */
  consoleUrl: string;
  now: Date;
  log: Logger;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@parley.local';

/**
 * With no operator at all, create the first admin: from `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`
 * when set, otherwise with a generated password printed once (warn level) in the start-up log.
 * Returns the created admin, or undefined when operators already exist.
 */
export async function ensureFirstAdmin(operators: OperatorStore, opts: FirstAdminOptions): Promise<Operator | undefined> {
  if ((await operators.count()) > 0) return undefined;
  const email = opts.email ?? DEFAULT_ADMIN_EMAIL;
  const generated = opts.password === undefined;
  const password = opts.password ?? generatePassword();
  let admin: Operator;
  try {
    admin = await addOperator(operators, { email, name: 'Admin', role: 'admin', password }, opts.now);
  } catch (err) {
    // Two nodes starting on one store at once: the other one created it first.
    if (err instanceof ConsoleError && err.code === 'CONFLICT' && (await operators.count()) > 0) return undefined;
    throw err;
  }
  if (generated) {
    opts.log.warn(
      { consoleUrl: opts.consoleUrl, adminLogin: email, generatedPassword: password },
      `Operator console: created the first admin. Sign in at ${opts.consoleUrl} as ${email} with password ${password} ` +
        '(shown only this once; change it with "npm run parley -- operators password <email>", or set PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD before the first start)',
    );
  } else {
    opts.log.info({ consoleUrl: opts.consoleUrl, adminLogin: email }, `Operator console: created the first admin ${email} from PARLEY_ADMIN_EMAIL`);
  }
  return admin;
}
