// Temporal's remote codec protocol over HTTP, so the Temporal UI and `temporal workflow show
// --codec-endpoint` can show decrypted payloads to the people holding the token:
//   POST /encode, POST /decode   body and reply {payloads:[{metadata:{k: base64}, data: base64}]}
// Every POST needs the bearer token (`Authorization: Bearer <token>`). The Temporal UI cannot add
// that header, so the token is also accepted as the endpoint's first path segment
// (`http://127.0.0.1:8888/<token>` → POST /<token>/decode). CORS admits the configured UI origins
// only; preflights are answered without the token because browsers never send it on them.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Required: callers must present it. */
  token: string;
  /** Browser origins allowed to call (the Temporal UI), e.g. http://localhost:8233. */
  corsOrigins: string[];
  /** Default 127.0.0.1: the decrypted payloads should not leave the machine unless asked. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Request body limit in bytes (default 16 MiB; Temporal payloads are at most 2 MiB each). */
  maxBodyBytes?: number;
}

export interface RunningCodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const MIN_TOKEN_LENGTH = 16;

const bodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string()).nullish(),
      data: z.string().nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof bodySchema>['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});
const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(data ?? []).toString('base64'),
});

/** Compares in constant time (digests first, so the lengths never differ). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function corsHeaders(origin: string | undefined, allowed: Set<string>): Record<string, string> | undefined {
  if (!origin || !allowed.has(origin)) return undefined;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

/** `/decode` or `/<token>/decode` → the operation and the path token (if any). */
function route(url: string | undefined): { op?: 'encode' | 'decode'; pathToken?: string } {
  const segments = new URL(url ?? '/', 'http://codec').pathname.split('/').filter(Boolean);
  const op = segments.at(-1);
  if ((op !== 'encode' && op !== 'decode') || segments.length > 2) return {};
  return { op, pathToken: segments.length === 2 ? decodeURIComponent(segments[0]!) : undefined };
}

function authorized(req: IncomingMessage, pathToken: string | undefined, token: string): boolean {
  const header = req.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return [bearer, pathToken].some((given) => given !== undefined && sameSecret(given, token));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  o: Required<CodecServerOptions>,
  origins: Set<string>,
): Promise<void> {
  const origin = req.headers.origin;
  const cors = corsHeaders(origin, origins);
  if (origin && !cors)
    return send(res, 403, { message: 'origin not allowed (start the codec server with --cors-origin for it)' });
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }
  const { op, pathToken } = route(req.url);
  if (!op) return send(res, 404, { message: 'not found: POST /encode or /decode' }, cors);
  if (req.method !== 'POST') return send(res, 405, { message: 'use POST' }, { ...cors, Allow: 'POST, OPTIONS' });
  if (!authorized(req, pathToken, o.token))
    return send(res, 401, { message: 'a valid bearer token is required' }, { ...cors, 'WWW-Authenticate': 'Bearer' });
  let parsed: z.infer<typeof bodySchema>;
  try {
    parsed = bodySchema.parse(JSON.parse(await readBody(req, o.maxBodyBytes)));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'body must be JSON {"payloads":[{"metadata":{"key":"<base64>"},"data":"<base64>"}]}');
  }
  const input = parsed.payloads.map(fromJson);
  const output = op === 'encode' ? await o.codec.encode(input) : await o.codec.decode(input);
  send(res, 200, { payloads: output.map(toJson) }, cors);
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  if (options.token.length < MIN_TOKEN_LENGTH)
    throw new Error(`the codec server token must be at least ${MIN_TOKEN_LENGTH} characters`);
  const o: Required<CodecServerOptions> = { host: '127.0.0.1', port: 0, maxBodyBytes: 16 * 1024 * 1024, ...options };
  const origins = new Set(o.corsOrigins);
  const server: Server = createServer((req, res) => {
    handle(req, res, o, origins).catch((err: unknown) => {
      // Codec errors name a key id or the rule broken, never payload contents or secrets; anything
      // else stays on this side with a generic reply.
      const known = err instanceof HttpError || err instanceof ValueError;
      if (!known) console.error(`codec server: ${(err as Error).name}: ${(err as Error).message}`);
      const status = err instanceof HttpError ? err.status : known ? 400 : 500;
      if (!res.headersSent)
        send(
          res,
          status,
          { message: known ? (err as Error).message : 'internal error' },
          corsHeaders(req.headers.origin, origins),
        );
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
