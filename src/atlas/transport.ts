// Keep-alive connection pools shared per origin across every client in the process, and one
// send() that turns undici failures into AtlasApiError (NETWORK_ERROR / TIMEOUT).
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { OperationId } from './catalog.js';
import { AtlasApiError } from './errors.js';

interface PoolEntry {
  pool: Pool;
  refs: number;
}

const pools = new Map<string, PoolEntry>();

export interface PoolLease {
  pool: Pool;
  release(): Promise<void>;
}

/** A pool per (origin, connect timeout); closed when the last client using it closes. */
export function acquirePool(origin: string, connectTimeoutMs: number): PoolLease {
  const key = `${origin}|${connectTimeoutMs}`;
  let entry = pools.get(key);
  if (!entry) {
    entry = {
      pool: new Pool(origin, {
        connections: 64,
        pipelining: 1,
        keepAliveTimeout: 10_000,
        connect: { timeout: connectTimeoutMs },
      }),
      refs: 0,
    };
    pools.set(key, entry);
  }
  entry.refs += 1;
  const held = entry;
  let released = false;
  return {
    pool: held.pool,
    async release() {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs === 0 && pools.get(key) === held) {
        pools.delete(key);
        await held.pool.close();
      }
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface SendOptions {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  operation: OperationId | 'oauthToken';
}

export async function send(pool: Pool, o: SendOptions): Promise<RawResponse> {
  try {
    const res = await pool.request({
      method: o.method as 'GET',
      path: o.path,
      headers: o.headers,
      body: o.body ?? null,
      headersTimeout: o.headersTimeoutMs,
      bodyTimeout: o.bodyTimeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text };
  } catch (err) {
    throw transportError(o.operation, err);
  }
}

function transportError(operation: OperationId | 'oauthToken', err: unknown): AtlasApiError {
  const timeout =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError;
  const code = (err as { code?: string } | null)?.code;
  // undici messages name the failing phase, never request headers, so they are safe to keep.
  const why = err instanceof Error ? err.message : String(err);
  return new AtlasApiError({
    operation,
    errorCode: timeout ? 'TIMEOUT' : 'NETWORK_ERROR',
    message: `${operation} failed: ${timeout ? 'timed out' : 'network error'} (${code ?? 'no code'}: ${why})`,
    ...(code !== undefined ? { detail: code } : {}),
    cause: err,
  });
}
