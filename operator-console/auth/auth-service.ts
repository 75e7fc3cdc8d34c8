import { z } from 'zod';
import { ValidationError } from '../../core/domain/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import type { LoginResponse } from '../contract.js';
import { ConsoleError } from '../errors.js';
import type { Operator, OperatorStore } from '../store/types.js';
import { verifyPassword } from './passwords.js';
import type { AccountBackoff, LoginRateLimiter } from './rate-limit.js';
import type { TokenService } from './tokens.js';

const LoginSchema = z.object({
  email: z.string({ error: 'email is required' }).trim().min(1, 'email is required').max(254),
  password: z.string({ error: 'password is required' }).min(1, 'password is required').max(200),
});

export interface AuthDeps {
  operators: OperatorStore;
  tokens: TokenService;
  /** Failed logins per IP + email. */
  limiter: LoginRateLimiter;
  /** Failed logins per IP, whatever the email (slows password spraying). */
  ipLimiter: LoginRateLimiter;
  /** Failed logins per account, whatever the IP: growing delays, never a lock-out. */
  accountBackoff: AccountBackoff;
  audit: AuditTrail;
  clock: Clock;
  log: Logger;
}

/**
 * Sign-in, sign-out and token checks. Every request (REST or socket) re-reads the operator and
 * compares the token's version with the operator's, so a deactivated account, a changed
 * password or a sign-out ends every session at once, not when the token expires.
 */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {}

  /**
   * Check email and password; returns a token. Failures slow down the IP + email, the IP, and
   * the account whatever the IP (growing delays, capped: never a lock-out); `ip` is the client
   * address as the `TRUST_PROXY` setting resolves it.
   */
  async login(input: unknown, ip: string): Promise<LoginResponse> {
    const parsed = LoginSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid sign-in request', parsed.error.issues.map((i) => i.message));
    const { email, password } = parsed.data;
    const now = this.deps.clock.now().getTime();
    const account = email.toLowerCase();
    const key = `${ip}|${account}`;
    const wait = Math.max(this.deps.limiter.retryAfterSec(key, now), this.deps.ipLimiter.retryAfterSec(ip, now), this.deps.accountBackoff.retryAfterSec(account, now));
    if (wait > 0) throw new ConsoleError('RATE_LIMITED', `Too many failed sign-in attempts. Try again in ${wait} seconds.`, { retryAfterSec: wait });
    const operator = await this.deps.operators.findByEmail(email);
    const ok = await verifyPassword(password, operator?.passwordHash);
    if (!ok || !operator) {
      this.deps.limiter.recordFailure(key, now);
      this.deps.ipLimiter.recordFailure(ip, now);
      this.deps.accountBackoff.recordFailure(account, now);
      this.deps.log.warn({ ip }, 'console: failed sign-in');
      throw new ConsoleError('UNAUTHORIZED', 'Wrong email or password');
    }
    if (!operator.active) throw new ConsoleError('UNAUTHORIZED', 'This account has been deactivated. Ask an admin.');
    this.deps.limiter.reset(key);
    this.deps.accountBackoff.reset(account);
    await this.deps.operators.update(operator.id, { lastLoginAt: this.deps.clock.now() }, this.deps.clock.now());
    await this.deps.audit.record(operator.id, 'signed-in', { ip });
    const { token, expiresAt } = this.deps.tokens.issue(operator.id, operator.tokenVersion);
    return { token, expiresAt: expiresAt.toISOString(), operator: { id: operator.id, email: operator.email, name: operator.name, role: operator.role } };
  }

  /** Sign out everywhere: the token's operator gets a new token version, so every token they hold stops working. */
  async logout(token: unknown): Promise<void> {
    const { operator } = await this.authenticate(token);
    await this.deps.operators.revokeSessions(operator.id, this.deps.clock.now());
    await this.deps.audit.record(operator.id, 'signed-out');
  }

  /** The active operator a current token belongs to; throws `ConsoleError('UNAUTHORIZED')` otherwise. */
  async authenticate(token: unknown): Promise<{ operator: Operator; expiresAt: Date; tokenVersion: number }> {
    const claims = this.deps.tokens.verify(token);
    return { ...(await this.authenticateId(claims.operatorId, claims.tokenVersion)), expiresAt: claims.expiresAt, tokenVersion: claims.tokenVersion };
  }

  /**
   * The operator, re-read for each action: throws `ConsoleError('UNAUTHORIZED')` once deactivated,
   * or once their token version moved past `tokenVersion` (password changed, signed out).
   */
  async authenticateId(operatorId: string, tokenVersion: number): Promise<{ operator: Operator }> {
    const operator = await this.deps.operators.findById(operatorId);
    if (!operator) throw new ConsoleError('UNAUTHORIZED', 'Invalid token: sign in again');
    if (!operator.active) throw new ConsoleError('UNAUTHORIZED', 'This account has been deactivated. Ask an admin.');
    if (operator.tokenVersion !== tokenVersion) throw new ConsoleError('UNAUTHORIZED', SESSION_ENDED);
    return { operator };
  }
}

/** Why a token stopped working before its expiry. */
export const SESSION_ENDED = 'Your session has ended (signed out, or the password was changed): sign in again';
