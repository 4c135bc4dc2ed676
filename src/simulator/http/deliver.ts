// Sends an operation's answer through the fault it drew: truncated, slow, stalled, replaced by a
// 5xx after the operation committed, or with the request headers echoed (for secret-leak tests).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimError } from '../model/errors.js';
import type { FaultDecision } from './faults.js';
import { send, type RenderOptions } from './render.js';

const JSON_TYPE = 'application/json';

export interface Answer {
  status: number;
  body: unknown;
  contentType: string;
  list: boolean;
  headers: Record<string, string>;
}

/** The request headers as one header-safe JSON line. */
export function echoedHeaders(req: IncomingMessage): string {
  return JSON.stringify(req.headers).replace(/[^\x20-\x7e]/g, '?');
}

export function withEcho(req: IncomingMessage, fault: FaultDecision, a: Answer): Answer {
  if (!fault.echo) return a;
  const headers = { ...a.headers, 'x-simulator-echoed-headers': echoedHeaders(req) };
  if (a.status < 400 || typeof a.body !== 'object' || a.body === null) return { ...a, headers };
  const body = a.body as { detail?: string };
  return { ...a, headers, body: { ...body, detail: `${body.detail ?? ''} Request headers: ${echoedHeaders(req)}` } };
}

export function deliver(
  req: IncomingMessage,
  res: ServerResponse,
  fault: FaultDecision,
  answer: Answer,
  opts: RenderOptions,
): void {
  const a = withEcho(req, fault, answer);
  if (fault.kind === 'commitThenStatus') {
    const status = fault.status!;
    const e = new SimError(
      status,
      status === 500 ? 'UNEXPECTED_ERROR' : status === 502 ? 'BAD_GATEWAY' : 'SERVICE_UNAVAILABLE',
      `Injected fault after the operation committed: ${status}.`,
    );
    return send(res, status, withEcho(req, fault, { ...a, status, body: e.body() }).body, opts, JSON_TYPE, {
      ...a.headers,
      ...(fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {}),
    });
  }
  if (fault.kind === 'commitThenStall') {
    // Held until the client gives up (its socket closes) or the stall ends, whichever is first.
    const timer = setTimeout(() => send(res, a.status, a.body, opts, a.contentType, a.headers, a.list), fault.holdMs);
    res.socket?.once('close', () => clearTimeout(timer));
    return;
  }
  if (fault.kind === 'truncate' || fault.kind === 'slowBody') return partial(res, fault, a, opts);
  send(res, a.status, a.body, opts, a.contentType, a.headers, a.list);
}

/** truncate: announce the full length, send half, cut. slowBody: the whole body in ten slices over holdMs. */
function partial(res: ServerResponse, fault: FaultDecision, a: Answer, opts: RenderOptions): void {
  const text = JSON.stringify(a.body, null, opts.pretty ? 2 : undefined) ?? '';
  res.writeHead(a.status, { ...a.headers, 'content-type': a.contentType, 'content-length': Buffer.byteLength(text) });
  if (fault.kind === 'truncate') {
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
    return;
  }
  const bytes = Buffer.from(text);
  const slices = 10;
  const step = Math.ceil(bytes.length / slices);
  let i = 0;
  const tick = () => {
    if (res.destroyed) return;
    const chunk = bytes.subarray(i * step, (i + 1) * step);
    i += 1;
    if (i >= slices || chunk.length < step) {
      res.end(chunk);
      return;
    }
    res.write(chunk);
    setTimeout(tick, (fault.holdMs ?? 0) / slices);
  };
  res.flushHeaders();
  setTimeout(tick, (fault.holdMs ?? 0) / slices);
}
