// What the server does before a request reaches an operation: connection and header limits,
// and a capped body read. Auth is checked from the headers alone, so an unauthenticated or
// oversized body is never buffered (the connection is closed instead of drained).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ServerLimits {
  /** Largest request body accepted, in bytes; larger → 413. Default 1 MiB. */
  maxBodyBytes: number;
  /** Concurrent connections; more are closed on arrival. Default 512. */
  maxConnections: number;
  /** Time for a client to send its request headers (slowloris guard). Default 10 s. */
  headersTimeoutMs: number;
  /** Time for a client to send its whole request. Default 30 s. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept. Default 60 s. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 1_048_576,
  maxConnections: 512,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 60_000,
};

/** Node checks header and request timeouts only this often (30 s by default): keep it a fraction of them. */
export function checkEvery(l: ServerLimits): number {
  return Math.max(50, Math.min(1_000, Math.floor(Math.min(l.headersTimeoutMs, l.requestTimeoutMs) / 2)));
}

export function applyLimits(server: Server, l: ServerLimits): void {
  server.maxConnections = l.maxConnections;
  server.headersTimeout = l.headersTimeoutMs;
  server.requestTimeout = l.requestTimeoutMs;
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
}

export const TOO_LARGE = Symbol('too large');

/** The body as text, or TOO_LARGE as soon as it (or its announced length) passes `max`. */
export function readBody(req: IncomingMessage, max: number): Promise<string | typeof TOO_LARGE> {
  if (Number(req.headers['content-length'] ?? 0) > max) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        req.removeAllListeners('data');
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : ''));
    req.on('error', reject);
  });
}

/** True when the request still has body bytes on the wire that nobody will read. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  return (
    !req.complete && (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined)
  );
}

/** An answer sent without reading the body: close the connection rather than drain it. */
export function closeAfter(req: IncomingMessage, res: ServerResponse): void {
  if (!hasUnreadBody(req)) return;
  res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
}
