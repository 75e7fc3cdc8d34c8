/** WHERE clauses over `agenda_jobs` plus, for what SQL cannot express simply, a check in JS. */
export interface SqlFilter {
  where: string[];
  args: (string | number | null)[];
  residual?: (data: unknown) => boolean;
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Agenda's `data` filter means "the job's data contains this" (PostgreSQL's `@>`). Top-level
 * scalars become `json_extract` comparisons (indexed for `key`); anything nested is checked in JS.
 *
 * @example
 * dataFilter({ key: 'reminder:conv_1:24h' })
 * // { where: ["json_extract(data, '$.key') IS ?"], args: ['reminder:conv_1:24h'] }
 */
export function dataFilter(expected: unknown): SqlFilter {
  if (!isPlainObject(expected)) return { where: [], args: [], residual: (data) => contains(data, expected) };
  const filter: SqlFilter = { where: [], args: [] };
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expected)) {
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    if (scalar && PATH.test(key)) {
      // The path is inlined (a literal) so SQLite can use the expression index on data.key.
      filter.where.push(`json_extract(data, '$.${key}') IS ?`);
      filter.args.push(typeof value === 'boolean' ? Number(value) : (value as string | number | null));
    } else nested[key] = value;
  }
  if (Object.keys(nested).length) filter.residual = (data) => contains(data, nested);
  return filter;
}

/** JSON containment: every field of `expected` is in `actual` (arrays: every element somewhere). */
export function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e) => actual.some((a) => contains(a, e)));
  if (isPlainObject(expected)) return isPlainObject(actual) && Object.entries(expected).every(([k, v]) => contains(actual[k], v));
  return actual === expected;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
