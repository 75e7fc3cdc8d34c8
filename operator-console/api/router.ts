import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../core/domain/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { OperatorRole } from '../contract.js';
import { bearerToken } from '../rest/http.js';
import type { ApiKeys } from './api-keys.js';
import { scopeCovers, type ApiScope } from './keys.js';
import type { IdempotencyStore } from './ports.js';
import { ApiError, sendProblem } from './problem.js';
import { ProblemSchema } from './schemas.js';

/** Who is calling: an integration's API key, or a console operator's token. */
export interface Principal {
  kind: 'key' | 'operator';
  id: string;
  scope: ApiScope;
  /** How audit entries name the caller: `apikey:<id>` or `operator:<id>`. */
  actor: string;
  /** The operator, for operator tokens (sends, takeovers are done in their name). */
  operatorId?: string;
  operatorName?: string;
}

const ROLE_SCOPE: Record<OperatorRole, ApiScope> = { viewer: 'read', recruiter: 'write', admin: 'admin' };

/** Fixed one-minute windows per caller; answers the seconds to wait when over the limit. */
export class KeyRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly perMinute: number) {}

  take(id: string, nowMs: number): number {
    const w = this.windows.get(id);
    if (!w || nowMs - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(id, { start: nowMs, count: 1 });
      return 0;
    }
    if (w.count >= this.perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - nowMs) / 1000));
    w.count++;
    return 0;
  }
}

export interface ApiRouterDeps {
  keys: ApiKeys;
  auth: AuthService;
  idempotency: IdempotencyStore;
  limiter: KeyRateLimiter;
  clock: Clock;
  log: Logger;
}

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  req: Request;
  res: Response;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  /** A non-JSON body (e.g. a zip), sent with `headers['Content-Type']`. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface ApiRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI-style path under /api/v1, e.g. `/candidates/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses: status -> schema (undefined: no body). */
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: Record<string, string>; /** Default application/json. */ contentType?: string }>;
  handler: (input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<HandlerResult>;
}

const ERROR_STATUSES: Record<number, string> = {
  400: 'The request is not valid',
  401: 'No valid API key or operator token',
  403: 'The key or operator lacks the scope',
  429: 'Rate limited: wait Retry-After seconds',
};

const parseJson = express.json({ limit: '1mb' });

/**
 * The public API's routes: each is declared once with its zod schemas, and that one declaration
 * both mounts the Express handler (parsing params, query and body with the same schemas) and
 * registers the operation in the OpenAPI registry, so the spec cannot miss a route.
 */
export class ApiRouter {
  readonly registry = new OpenAPIRegistry();
  readonly router: Router = express.Router();
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: ApiRouterDeps) {
    this.registry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'An API key (`pk_...`, created in the console or with `parley api-keys create`) or a console operator token.',
    });
    this.registry.register('Problem', ProblemSchema);
  }

  add<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(route: ApiRoute<P, Q, B>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
        ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      };
    }
    const errors = { ...ERROR_STATUSES };
    if (route.path.includes('{')) errors[404] = 'No such resource';
    if (route.method !== 'get') errors[409] = 'Conflicts with the current state';
    if (route.body) errors[415] = 'The body is not application/json';
    if (route.method === 'post') errors[422] = 'The Idempotency-Key was used with another request';
    if (route.method === 'patch') errors[412] = 'If-Match does not match the current ETag';
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
    }
    const headers: z.ZodObject[] = [];
    if (route.method === 'post') headers.push(z.object({ 'idempotency-key': z.string().max(200).optional().openapi({ description: 'Replays the first answer for a repeated key' }) }));
    if (route.method === 'patch') headers.push(z.object({ 'if-match': z.string().optional().openapi({ description: 'The ETag read; refused with 412 if it changed' }) }));
    this.registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: [{ bearer: [] }],
      description: `Needs scope \`${route.scope}\`.`,
      request: {
        ...(route.params ? { params: route.params as unknown as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as unknown as z.ZodObject } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } }, required: true } } : {}),
        ...(headers.length ? { headers: headers[0] } : {}),
      },
      responses,
    });
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    const handlers = route.body ? [jsonOnly(this.deps.log), this.handle(route)] : [this.handle(route)];
    this.router[route.method](expressPath, ...handlers);
  }

  private handle<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(route: ApiRoute<P, Q, B>) {
    return (req: Request, res: Response) => {
      const run = async () => {
        const principal = await this.authenticate(req);
        if (!scopeCovers(principal.scope, route.scope)) throw new ApiError(403, `This needs the ${route.scope} scope; the ${principal.kind === 'key' ? 'key' : 'operator'} has ${principal.scope}`);
        const params = parse(route.params, req.params, 'path parameters');
        const query = parse(route.query, req.query, 'query');
        const body = parse(route.body, req.body, 'body');
        const run = () => route.handler({ params, query, body, principal, req, res } as HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>);
        const result = route.method === 'post' ? await this.idempotent(req, principal, run) : await run();
        if (result.headers) res.set(result.headers);
        if (result.raw) res.status(result.status).send(result.raw);
        else if (result.body === undefined) res.status(result.status).end();
        else res.status(result.status).json(result.body);
      };
      run().catch((err: unknown) => sendProblem(res, err, this.deps.log));
    };
  }

  /** API key or operator token from `Authorization: Bearer`; rate-limited per caller. */
  async authenticate(req: Request): Promise<Principal> {
    const token = bearerToken(req);
    if (!token) throw new ApiError(401, 'Send an API key or an operator token as Authorization: Bearer <token>');
    const now = this.deps.clock.now();
    let principal: Principal;
    if (token.startsWith('pk_')) {
      const key = await this.deps.keys.verify(token, now);
      if (!key) throw new ApiError(401, 'Unknown or revoked API key');
      principal = { kind: 'key', id: key.id, scope: key.scope, actor: `apikey:${key.id}` };
    } else {
      const { operator } = await this.deps.auth.authenticate(token);
      principal = { kind: 'operator', id: operator.id, scope: ROLE_SCOPE[operator.role], actor: `operator:${operator.id}`, operatorId: operator.id, operatorName: operator.name };
    }
    const wait = this.deps.limiter.take(`${principal.kind}:${principal.id}`, now.getTime());
    if (wait > 0) throw new ApiError(429, `Rate limit reached for this ${principal.kind === 'key' ? 'API key' : 'operator'}; retry in ${wait} s`, wait);
    return principal;
  }

  /** `Idempotency-Key`: the first answer (below 500) is kept and replayed for the same key and request. */
  private async idempotent(req: Request, principal: Principal, run: () => Promise<HandlerResult>): Promise<HandlerResult> {
    const key = req.get('idempotency-key');
    if (!key) return run();
    if (key.length > 200) throw new ValidationError('Idempotency-Key is at most 200 characters');
    const who = `${principal.kind}:${principal.id}`;
    const fingerprint = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const { idempotency } = this.deps;
    const stored = await idempotency.get(who, key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) throw new ApiError(422, 'This Idempotency-Key was already used with a different request');
      return { status: stored.status, ...(stored.body ? { body: JSON.parse(stored.body) as unknown } : {}), headers: { 'Idempotent-Replayed': 'true' } };
    }
    const flight = `${who}\n${key}`;
    if (this.inFlight.has(flight)) throw new ApiError(409, 'A request with this Idempotency-Key is still running');
    this.inFlight.add(flight);
    try {
      const result = await run();
      if (result.status < 500) {
        await idempotency.put(who, key, { fingerprint, status: result.status, body: result.body === undefined ? '' : JSON.stringify(result.body), createdAt: this.deps.clock.now() });
      }
      return result;
    } finally {
      this.inFlight.delete(flight);
    }
  }
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> | undefined {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new ValidationError(`Invalid ${where}`, r.error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`));
  return r.data;
}

function jsonOnly(log: Logger) {
  return (req: Request, res: Response, next: () => void) => {
    if (!req.is('application/json')) {
      sendProblem(res, new ApiError(415, 'Send the body as application/json'), log);
      return;
    }
    parseJson(req, res, (err?: unknown) => {
      if (err) sendProblem(res, new ValidationError('The request body is not valid JSON (at most 1 MB)', [], { cause: err }), log);
      else next();
    });
  };
}
