import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Contract checks against the generated OpenAPI document: every response a test gets from the
 * public API is matched to its operation (path template + method) and status, and its body is
 * validated against the schema the spec gives. A route missing from the spec, an undocumented
 * status or a body that does not match throws.
 */
type Spec = { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components?: unknown; servers?: { url: string }[] };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export async function validateSpec(spec: unknown): Promise<{ valid: boolean; errors: unknown }> {
  const validator = new Validator();
  const r = await validator.validate(spec as Record<string, unknown>);
  return { valid: r.valid, errors: r.errors };
}

export class ContractChecker {
  /** operationIds a checked response has exercised. */
  readonly exercised = new Set<string>();
  private readonly ajv: Ajv2020;
  private readonly base: string;

  constructor(private readonly spec: Spec) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'https://parley.test/spec.json', components: spec.components });
    this.base = spec.servers?.[0]?.url ?? '';
  }

  operations(): string[] {
    return Object.values(this.spec.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  }

  /** Throws unless `status` + `body` is what the spec says `method path` answers. */
  check(method: string, url: string, status: number, contentType: string, body: unknown): void {
    const path = new URL(url, 'http://x').pathname;
    if (!path.startsWith(this.base)) throw new Error(`${path} is outside the API base ${this.base}`);
    const rel = path.slice(this.base.length) || '/';
    const match = Object.entries(this.spec.paths).find(([template]) => new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(rel));
    const op = match?.[1][method.toLowerCase()];
    if (!op) throw new Error(`contract: ${method} ${rel} is not in the OpenAPI spec`);
    this.exercised.add(op.operationId);
    const response = op.responses[String(status)];
    if (!response) throw new Error(`contract: ${op.operationId} answered ${status}, which the spec does not list (${Object.keys(op.responses).join(', ')})`);
    const type = contentType.split(';')[0]?.trim() ?? '';
    if (!response.content) {
      if (body !== '' && body !== undefined) throw new Error(`contract: ${op.operationId} ${status} has a body but the spec says none`);
      return;
    }
    const media = response.content[type];
    if (!media) throw new Error(`contract: ${op.operationId} ${status} answered ${type}; the spec lists ${Object.keys(response.content).join(', ')}`);
    // A binary body (a zip): the media type is the contract.
    if (!type.includes('json')) return;
    const id = `https://parley.test/r/${op.operationId}/${status}/${type}`;
    const validate = this.ajv.getSchema(id) ?? this.ajv.compile({ $id: id, $ref: '#/$defs/s', $defs: { s: rebase(media.schema) } });
    if (!validate(body)) throw new Error(`contract: ${op.operationId} ${status} body does not match the spec: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 1000)}`);
  }
}

/** `#/components/...` refs point into the spec document registered under its own id. */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"https://parley.test/spec.json#/components/'));
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A public API call (Bearer token) whose answer is checked against the spec before it is returned. */
export function apiClient(baseUrl: string, checker: ContractChecker) {
  return async function call<T = unknown>(token: string | undefined, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
    const url = `${baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const bytes = await res.arrayBuffer();
    const text = Buffer.from(bytes).toString('utf8');
    const type = res.headers.get('content-type') ?? '';
    const body = (bytes.byteLength === 0 ? '' : type.includes('json') ? JSON.parse(text) : type.startsWith('text/') ? text : Buffer.from(bytes)) as T;
    checker.check(method, url, res.status, type, body);
    return { status: res.status, body, headers: res.headers };
  };
}
