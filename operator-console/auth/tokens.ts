import jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import type { Clock, Store } from '../../core/ports/index.js';
import { ConsoleError } from '../errors.js';

const ISSUER = 'parley-console';
const KV_NAMESPACE = 'console';
const KV_SECRET_KEY = 'jwt-secret';

export interface TokenClaims {
  operatorId: string;
  expiresAt: Date;
}

/**
 * Signs and checks the console's bearer tokens (HS256 JWTs, subject = operator id). Time comes
 * from the clock, so tests can expire a token by moving it.
 *
 * @example
 * const tokens = new TokenService(secret, 12 * 3600, systemClock);
 * const { token } = tokens.issue(operator.id);
 * tokens.verify(token).operatorId === operator.id;
 */
export class TokenService {
  constructor(
    private readonly secret: string,
    private readonly ttlSec: number,
    private readonly clock: Clock,
  ) {}

  issue(operatorId: string): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const token = jwt.sign({ iat }, this.secret, { algorithm: 'HS256', subject: operatorId, expiresIn: this.ttlSec, issuer: ISSUER, audience: ISSUER });
    return { token, expiresAt: new Date((iat + this.ttlSec) * 1000) };
  }

  /** Throws `ConsoleError('UNAUTHORIZED')` saying whether the token is missing, expired or invalid. */
  verify(token: unknown): TokenClaims {
    if (typeof token !== 'string' || token.length === 0) throw new ConsoleError('UNAUTHORIZED', 'Sign in first: no token was sent');
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new ConsoleError('UNAUTHORIZED', 'Your session has expired: sign in again', { cause: err });
      throw new ConsoleError('UNAUTHORIZED', 'Invalid token: sign in again', { cause: err });
    }
    if (typeof payload === 'string' || !payload.sub || typeof payload.exp !== 'number') throw new ConsoleError('UNAUTHORIZED', 'Invalid token: sign in again');
    return { operatorId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  }
}

/**
 * The signing secret: `CONSOLE_JWT_SECRET` when set, otherwise one generated on first start and
 * kept in the store, so `npm start` works with no keys and sessions survive restarts.
 */
export async function resolveJwtSecret(configured: string | undefined, store: Pick<Store, 'kvGet' | 'kvSet'>): Promise<string> {
  if (configured) return configured;
  const kept = await store.kvGet<string>(KV_NAMESPACE, KV_SECRET_KEY);
  if (typeof kept === 'string' && kept.length >= 32) return kept;
  const secret = randomBytes(48).toString('base64url');
  await store.kvSet(KV_NAMESPACE, KV_SECRET_KEY, secret);
  return secret;
}
