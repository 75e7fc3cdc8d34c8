import jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Store } from '../../core/ports/index.js';
import { ConsoleError } from '../errors.js';

const ISSUER = 'parley-console';
// Where releases before the secret file kept the generated secret (moved out on start).
const KV_NAMESPACE = 'console';
const KV_SECRET_KEY = 'jwt-secret';
/** The generated signing secret's file in the data folder (mode 0600). */
export const JWT_SECRET_FILE = 'console-jwt.secret';

export interface TokenClaims {
  operatorId: string;
  /** The operator's token version when the token was issued; a bumped version refuses it. */
  tokenVersion: number;
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

  issue(operatorId: string, tokenVersion: number): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const token = jwt.sign({ iat, tv: tokenVersion }, this.secret, { algorithm: 'HS256', subject: operatorId, expiresIn: this.ttlSec, issuer: ISSUER, audience: ISSUER });
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
    // Tokens without a version (issued before versions existed) are refused: sign in again once.
    if (typeof payload === 'string' || !payload.sub || typeof payload.exp !== 'number' || !Number.isInteger(payload['tv'])) {
      throw new ConsoleError('UNAUTHORIZED', 'Invalid token: sign in again');
    }
    return { operatorId: payload.sub, tokenVersion: payload['tv'] as number, expiresAt: new Date(payload.exp * 1000) };
  }
}

/**
 * The signing secret: `CONSOLE_JWT_SECRET` when set, otherwise one generated on first start and
 * kept in `<dataDir>/console-jwt.secret` (mode 0600, outside the database, so a copy of the
 * database cannot mint tokens), so `npm start` works with no keys and sessions survive restarts.
 * A secret an older release kept in the store is moved to the file (and deleted from the store).
 */
export async function resolveJwtSecret(configured: string | undefined, dataDir: string, store: Pick<Store, 'kvGet' | 'kvDelete'>): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, JWT_SECRET_FILE);
  const kept = readSecretFile(file);
  if (kept) {
    chmodSync(file, 0o600);
    return kept;
  }
  const legacy = await store.kvGet<string>(KV_NAMESPACE, KV_SECRET_KEY);
  const secret = typeof legacy === 'string' && legacy.length >= 32 ? legacy : randomBytes(48).toString('base64url');
  // 'wx': never overwrite a secret another process wrote meanwhile; then use whichever won.
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (legacy !== undefined) await store.kvDelete(KV_NAMESPACE, KV_SECRET_KEY);
  return readSecretFile(file) ?? secret;
}

function readSecretFile(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length >= 32 ? text : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
