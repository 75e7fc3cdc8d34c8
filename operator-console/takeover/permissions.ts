import { ACTING_ROLES, type OperatorProfile } from '../contract.js';
import { ConsoleError } from '../errors.js';

/** Viewers watch; admins and recruiters act. Throws `ConsoleError('FORBIDDEN')` naming what was refused. */
export function requireActing(operator: OperatorProfile, what: string): void {
  if (!ACTING_ROLES.includes(operator.role)) throw new ConsoleError('FORBIDDEN', `Viewers can watch conversations but cannot ${what}. Ask an admin for the recruiter role.`);
}

export function requireAdmin(operator: OperatorProfile, what: string): void {
  if (operator.role !== 'admin') throw new ConsoleError('FORBIDDEN', `Only an admin can ${what}.`);
}
