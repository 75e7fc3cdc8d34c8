import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/ports/index.js';
import { ConsoleError } from '../errors.js';
import type { AuthService } from '../auth/auth-service.js';

interface LinkClaims {
  /** Candidate. */
  c: string;
  /** Operator who minted the link. */
  o: string;
  /** Their token version then: signing out or a password change voids the link too. */
  v: number;
  /** Expiry, epoch seconds. */
  e: number;
}

/**
 * Short-lived signed report links. A page load cannot send the console's bearer token, so an
 * authenticated API call mints a link for one candidate; opening it checks the signature, the
 * expiry and that the operator who minted it is still active and still signed in.
 *
 * @example
 * const { token, expiresAt } = links.mint(operator, candidateId);
 * const { candidateId } = await links.verify(token); // throws ConsoleError('UNAUTHORIZED')
 */
export class ReportLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlSec: number,
    private readonly clock: Clock,
    private readonly auth: Pick<AuthService, 'authenticateId'>,
  ) {
    // A key of its own: a report link can never pass as a console token, nor the reverse.
    this.key = createHmac('sha256', secret).update('parley:report-link:v1').digest();
  }

  mint(operator: { id: string; tokenVersion: number }, candidateId: string): { token: string; expiresAt: Date } {
    const expiresAt = new Date(this.clock.now().getTime() + this.ttlSec * 1000);
    const claims: LinkClaims = { c: candidateId, o: operator.id, v: operator.tokenVersion, e: Math.floor(expiresAt.getTime() / 1000) };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, expiresAt };
  }

  async verify(token: unknown): Promise<{ candidateId: string; operatorId: string }> {
    const refused = (why: string) => new ConsoleError('UNAUTHORIZED', `This report link ${why}. Open the report again from the console.`);
    if (typeof token !== 'string' || token.length > 2000) throw refused('is not valid');
    const [body, sig] = token.split('.');
    if (!body || !sig) throw refused('is not valid');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused('is not valid');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
    if (claims.e * 1000 <= this.clock.now().getTime()) throw refused('has expired');
    // The console's own rule for a session: active operator, same token version.
    await this.auth.authenticateId(claims.o, claims.v).catch((cause: unknown) => {
      throw new ConsoleError('UNAUTHORIZED', 'This report link is no longer valid (its author signed out or was deactivated). Open the report again from the console.', { cause });
    });
    return { candidateId: claims.c, operatorId: claims.o };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
