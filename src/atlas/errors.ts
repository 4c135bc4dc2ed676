// One error type for everything that can go wrong talking to Atlas. The client never retries;
// `retryable` is the single verdict the activities' retry policy reads.
import { isRetryableAtlasError } from '../contract/failures.js';
import type { OperationId } from './catalog.js';

/** Client-side error codes (Atlas' own codes arrive verbatim in `errorCode`). */
export type ClientErrorCode =
  'NETWORK_ERROR' | 'TIMEOUT' | 'INVALID_RESPONSE' | 'INVALID_PARAMETER' | 'INVALID_REQUEST_BODY' | 'UNKNOWN_ERROR';

/** The contract's one retry table decides; re-exported here for the client's callers. */
export const isRetryable = isRetryableAtlasError;

export interface AtlasApiErrorInit {
  httpStatus?: number;
  errorCode: string;
  detail?: string;
  reason?: string;
  parameters?: unknown[];
  operation: OperationId | 'oauthToken';
  retryAfterSeconds?: number;
  message?: string;
  cause?: unknown;
}

export class AtlasApiError extends Error {
  override readonly name = 'AtlasApiError';
  readonly httpStatus?: number;
  readonly errorCode: string;
  readonly detail?: string;
  readonly reason?: string;
  readonly parameters?: unknown[];
  readonly operation: OperationId | 'oauthToken';
  readonly retryAfterSeconds?: number;
  readonly retryable: boolean;

  constructor(init: AtlasApiErrorInit) {
    super(init.message ?? defaultMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    this.errorCode = init.errorCode;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.reason !== undefined) this.reason = init.reason;
    if (init.parameters !== undefined) this.parameters = init.parameters;
    this.operation = init.operation;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryable = isRetryable(init.httpStatus, init.errorCode);
  }

  /** Plain, secret-free shape for logs and Temporal failure details. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      message: this.message,
      operation: this.operation,
      errorCode: this.errorCode,
      retryable: this.retryable,
    };
    if (this.httpStatus !== undefined) out.httpStatus = this.httpStatus;
    if (this.detail !== undefined) out.detail = this.detail;
    if (this.reason !== undefined) out.reason = this.reason;
    if (this.parameters !== undefined) out.parameters = this.parameters;
    if (this.retryAfterSeconds !== undefined) out.retryAfterSeconds = this.retryAfterSeconds;
    return out;
  }
}

function defaultMessage(init: AtlasApiErrorInit): string {
  const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
  const detail = init.detail ? `: ${init.detail}` : '';
  return `${init.operation} failed${status} ${init.errorCode}${detail}`;
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns whole seconds
 * (never negative), or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Builds an AtlasApiError from an HTTP error response. Atlas bodies look like
 * {error, errorCode, detail, reason, parameters}; anything else (an HTML page from a proxy, an
 * empty body) still becomes an error keyed by status.
 */
export function errorFromResponse(
  operation: OperationId | 'oauthToken',
  httpStatus: number,
  bodyText: string,
  retryAfter: string | string[] | undefined,
): AtlasApiError {
  let parsed: unknown;
  try {
    parsed = bodyText.length > 0 ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  const body = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  // OAuth errors (RFC 6749 §5.2) use {error: "invalid_client", error_description}.
  const errorCode =
    str(body?.errorCode) ??
    (typeof body?.error === 'string' ? body.error.toUpperCase() : undefined) ??
    fallbackCode(httpStatus);
  const parameters = Array.isArray(body?.parameters) ? (body.parameters as unknown[]) : undefined;
  const retryAfterSeconds = parseRetryAfter(retryAfter) ?? bucketRetryAfter(httpStatus, errorCode, parameters);
  const detail =
    str(body?.detail) ??
    str(body?.error_description) ??
    (body === undefined && bodyText.length > 0 ? `non-JSON error body: ${bodyText.slice(0, 200)}` : undefined);
  return new AtlasApiError({
    httpStatus,
    errorCode,
    operation,
    ...(detail !== undefined ? { detail } : {}),
    ...(str(body?.reason) !== undefined ? { reason: str(body?.reason) } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** The 429 codes of Atlas's rate limiting: the token bucket's, and the older one the spec's example still shows. */
const RATE_LIMIT_CODES = new Set(['RATE_LIMITED', 'RATE_LIMITED_TOKEN_BUCKET']);

/**
 * Atlas "might not always return" Retry-After, but an empty token bucket's 429 body names the wait
 * too: `parameters` = [path, retry-after seconds, capacity, refill rate, refill seconds].
 */
function bucketRetryAfter(
  httpStatus: number,
  errorCode: string,
  parameters: unknown[] | undefined,
): number | undefined {
  if (httpStatus !== 429 || !RATE_LIMIT_CODES.has(errorCode) || typeof parameters?.[0] !== 'string') return undefined;
  const raw = parameters[1];
  const seconds =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function fallbackCode(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'RESOURCE_NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UNEXPECTED_ERROR';
  return `HTTP_${status}`;
}
