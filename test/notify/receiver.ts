// A webhook receiver on 127.0.0.1 for tests: checks every request's X-Signature against the shared
// secret (as a real receiver must) and records what it got. It can be "down": the port is reserved
// but nothing listens (connections are refused) until up() is called.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: string;
  json: unknown;
  signature: string | undefined;
  signatureValid: boolean;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  up(): Promise<void>;
  down(): Promise<void>;
  /** Resolves with the first request matching `pick`, failing after `timeoutMs`. */
  waitFor(pick: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
}

export function verify(body: string, signature: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startReceiver(secret: string, opts: { startDown?: boolean } = {}): Promise<Receiver> {
  const received: Received[] = [];
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const signature = req.headers['x-signature'] as string | undefined;
          const signatureValid = verify(body, signature, secret);
          received.push({ body, json: JSON.parse(body) as unknown, signature, signatureValid, at: Date.now() });
          res.writeHead(signatureValid ? 204 : 401).end();
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  if (opts.startDown) await close();
  return {
    url: `http://127.0.0.1:${port}/hooks/atlas-backup?token=not-for-logs`,
    received,
    async up() {
      server ??= await listen(port);
    },
    down: close,
    async waitFor(pick, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pick);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(`no matching webhook within ${timeoutMs} ms (got ${received.length})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
