// Input checks that run before any request leaves the process: path parameters (24-hex ids,
// cluster names), query flags and request bodies. Each failure names the field and the rule.
import type { z } from 'zod';
import { CLUSTER_NAME_PATTERN, ID_PATTERN, type OperationId } from './catalog.js';
import { AtlasApiError } from './errors.js';
import { isIdParam, isNameParam, type QueryParams } from './operations.js';

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Returns a message describing why `value` is not a valid `name` path parameter, or undefined. */
export function pathParamProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return `path parameter ${name} is required (a non-empty string)`;
  if (isIdParam(name) && !ID_PATTERN.test(value)) {
    return `path parameter ${name} must be a 24-hex-digit id matching ${ID_PATTERN.source} (got ${show(value)})`;
  }
  if (isNameParam(name) && (!CLUSTER_NAME_PATTERN.test(value) || value.length > 64)) {
    const rule = `must match ${CLUSTER_NAME_PATTERN.source} and be at most 64 characters`;
    return `path parameter ${name} ${rule} (got ${show(value)})`;
  }
  return undefined;
}

/** Throws an AtlasApiError (INVALID_PARAMETER) if `value` is not valid for path parameter `name`. */
export function validatePathParam(name: string, value: unknown, operation: OperationId = 'getCluster'): string {
  const problem = pathParamProblem(name, value);
  if (problem) {
    throw new AtlasApiError({
      operation,
      errorCode: 'INVALID_PARAMETER',
      message: `${operation}: ${problem}`,
      parameters: [name],
    });
  }
  return value as string;
}

export function buildPath(
  operation: OperationId,
  template: string,
  names: readonly string[],
  values: Record<string, unknown> | undefined,
): string {
  const given = values ?? {};
  for (const name of names) validatePathParam(name, given[name], operation);
  const extra = Object.keys(given).filter((k) => !names.includes(k));
  if (extra.length > 0) {
    throw new AtlasApiError({
      operation,
      errorCode: 'INVALID_PARAMETER',
      message: `${operation}: unknown path parameter ${extra.join(', ')} (expects ${names.join(', ')})`,
      parameters: extra,
    });
  }
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(given[name] as string));
}

const BOOLEAN_FLAGS = ['envelope', 'pretty', 'includeCount'] as const;

export function buildQuery(operation: OperationId, query: QueryParams | undefined): string {
  if (!query) return '';
  const fail = (field: string, rule: string, v: unknown): never => {
    throw new AtlasApiError({
      operation,
      errorCode: 'INVALID_PARAMETER',
      message: `${operation}: query parameter ${field} ${rule} (got ${show(v)})`,
      parameters: [field],
    });
  };
  for (const flag of BOOLEAN_FLAGS) {
    const v = query[flag];
    if (v !== undefined && typeof v !== 'boolean') fail(flag, 'must be a boolean', v);
  }
  const { pageNum, itemsPerPage } = query;
  if (pageNum !== undefined && (!Number.isInteger(pageNum) || pageNum < 1))
    fail('pageNum', 'must be an integer >= 1', pageNum);
  if (itemsPerPage !== undefined && (!Number.isInteger(itemsPerPage) || itemsPerPage < 1 || itemsPerPage > 500)) {
    fail('itemsPerPage', 'must be an integer from 1 to 500', itemsPerPage);
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function validateBody(operation: OperationId, schema: z.ZodType, body: unknown): unknown {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AtlasApiError({
      operation,
      errorCode: 'INVALID_REQUEST_BODY',
      message: `${operation}: invalid request body: ${formatIssues(parsed.error)}`,
      parameters: parsed.error.issues.map((i) => jsonPath(i.path)),
    });
  }
  return parsed.data;
}

/** `results[0].status: Invalid option ...; id: ...` — JSON paths first, so the culprit is obvious. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${jsonPath(i.path) || '(root)'}: ${i.message}`)
    .join('; ');
}

function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
