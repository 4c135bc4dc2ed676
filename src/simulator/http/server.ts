// The HTTP front: routes Atlas paths (from the shared catalog) through auth, version negotiation,
// faults and path validation to the operation handlers; /__simulator goes to the admin API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import FindMyWay from 'find-my-way';
import { catalog, CLUSTER_NAME_PATTERN, ID_PATTERN, operationIds, type OperationId } from '../../atlas/catalog.js';
import { SimError } from '../model/errors.js';
import type { Model } from '../model/model.js';
import type { Authenticator, AuthKind } from './auth.js';
import type { FaultInjector } from './faults.js';
import { handlers } from './operations.js';
import { flags, negotiateVersion, paginate, parsePage, send } from './render.js';

export interface RequestLogEntry { at: string; method: string; path: string; operationId?: string; status: number; auth: AuthKind }

export interface ServerDeps {
  model: Model; auth: Authenticator; faults: FaultInjector; logRequests: boolean;
  admin: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void;
}

const JSON_TYPE = 'application/json';
const MAX_LOG = 20_000;
const ID_PARAMS = new Set(['groupId', 'snapshotId', 'exportId', 'exportBucketId', 'restoreJobId']);

export class SimulatorHttp {
  readonly counters: Record<string, number> = {};
  log: RequestLogEntry[] = [];
  base = '';
  private router = FindMyWay({ ignoreTrailingSlash: true });

  constructor(private deps: ServerDeps) {
    for (const id of operationIds) {
      const op = catalog[id];
      this.router.on(op.method, op.path.replace(/\{(\w+)\}/g, ':$1'), () => {}, { operationId: id });
    }
  }

  resetObservations(): void { for (const k of Object.keys(this.counters)) delete this.counters[k]; this.log = []; }

  createServer(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : '';
        this.handle(req, res, body).catch((err: unknown) => {
          const e = new SimError(500, 'UNEXPECTED_ERROR', 'Unexpected error.');
          if (this.deps.logRequests) console.error('[simulator] handler crashed:', err);
          if (!res.headersSent) send(res, 500, e.body(), { envelope: false, pretty: false }, JSON_TYPE);
        });
      });
    });
  }

  private record(req: IncomingMessage, path: string, status: number, auth: AuthKind, operationId?: string): void {
    if (this.log.length >= MAX_LOG) this.log.splice(0, MAX_LOG / 2);
    this.log.push({ at: new Date().toISOString(), method: req.method ?? 'GET', path, ...(operationId ? { operationId } : {}), status, auth });
    if (this.deps.logRequests) console.log(`[simulator] ${req.method} ${path} ${status} ${operationId ?? ''}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, rawBody: string): Promise<void> {
    // Hand-split path and query: WHATWG URL parsing is a measurable share of a GET's cost.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const url = { pathname: q < 0 ? raw : raw.slice(0, q), search: q < 0 ? '' : raw.slice(q), searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) } as URL;
    if (url.pathname.startsWith('/__simulator')) return this.deps.admin(req, res, new URL(raw, 'http://127.0.0.1'), rawBody);
    if (url.pathname === '/api/oauth/token' && req.method === 'POST') return this.token(req, res, url, rawBody);

    const found = this.router.find(req.method as 'GET', url.pathname);
    const opts = flags(url.searchParams);
    if (!found) {
      const e = new SimError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${url.pathname}.`, [url.pathname]);
      this.record(req, url.pathname, 404, 'none');
      return send(res, 404, e.body(), opts, JSON_TYPE);
    }
    const operationId = (found.store as { operationId: OperationId }).operationId;
    this.counters[operationId] = (this.counters[operationId] ?? 0) + 1;
    const op = catalog[operationId];

    const auth = this.deps.auth.check(req);
    if (!auth.ok) {
      this.record(req, url.pathname, 401, auth.kind, operationId);
      res.setHeader('www-authenticate', auth.challenges);
      return send(res, 401, auth.error.body(), opts, JSON_TYPE);
    }

    const fault = this.deps.faults.decide(operationId);
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.kind === 'reset') { this.record(req, url.pathname, 0, auth.kind, operationId); req.socket.destroy(); return; }
    if (fault.kind === 'status') {
      const code = fault.status === 429 ? 'RATE_LIMITED' : fault.status === 409 ? 'CONFLICT' : fault.status === 500 ? 'UNEXPECTED_ERROR' : fault.status === 502 ? 'BAD_GATEWAY' : 'SERVICE_UNAVAILABLE';
      const e = new SimError(fault.status, code, `Injected fault: ${fault.status}.`);
      this.record(req, url.pathname, fault.status, auth.kind, operationId);
      return send(res, fault.status, e.body(), opts, JSON_TYPE, fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {});
    }

    let status = 500;
    try {
      const version = negotiateVersion(req.headers.accept, op);
      const params = found.params as Record<string, string>;
      const groupId = params.groupId ?? '';
      const limited = this.deps.faults.projectLimit(groupId);
      if (limited && limited.retryAfter > 0) {
        const e = new SimError(429, 'RATE_LIMITED', `Too many requests for group ${groupId}; limit is ${limited.limit} per minute.`, [groupId]);
        status = 429;
        return send(res, 429, e.body(), opts, JSON_TYPE, { 'retry-after': String(limited.retryAfter) });
      }
      validateParams(params);
      let body: unknown;
      if (rawBody.trim() !== '') {
        try { body = JSON.parse(rawBody); } catch { throw new SimError(400, 'VALIDATION_ERROR', 'Request body is not valid JSON.', ['body']); }
      }
      const page = op.list ? parsePage(url.searchParams) : undefined;
      const result = handlers[operationId]({ m: this.deps.model, p: params, body, base: this.base });
      const contentType = `application/vnd.atlas.${version}+json;charset=utf-8`;
      if (fault.kind === 'dropResponse') { status = 0; req.socket.destroy(); return; }
      if ('list' in result) {
        status = 200;
        const selfUrl = new URL(url.pathname + url.search, this.base);
        return this.reply(res, fault.kind, 200, paginate(result.list, page!, selfUrl), opts, contentType, true);
      }
      status = result.status;
      return this.reply(res, fault.kind, result.status, result.body, opts, contentType, false);
    } catch (err) {
      const e = err instanceof SimError ? err : new SimError(500, 'UNEXPECTED_ERROR', 'Unexpected error.');
      if (!(err instanceof SimError) && this.deps.logRequests) console.error('[simulator]', err);
      status = e.status;
      return send(res, e.status, e.body(), opts, JSON_TYPE);
    } finally {
      this.record(req, url.pathname, status, auth.kind, operationId);
    }
  }

  private reply(res: ServerResponse, fault: string, status: number, body: unknown, opts: ReturnType<typeof flags>, contentType: string, list: boolean): void {
    if (fault !== 'truncate') return send(res, status, body, opts, contentType, {}, list);
    // Announce the full length, send half, then cut the connection.
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    this.counters.oauthToken = (this.counters.oauthToken ?? 0) + 1;
    const opts = flags(url.searchParams);
    const fault = this.deps.faults.decide('oauthToken');
    if (fault.kind === 'reset' || fault.kind === 'dropResponse') { req.socket.destroy(); this.record(req, url.pathname, 0, 'none', 'oauthToken'); return; }
    if (fault.kind === 'status') {
      const e = new SimError(fault.status, fault.status === 429 ? 'RATE_LIMITED' : 'UNEXPECTED_ERROR', `Injected fault: ${fault.status}.`);
      this.record(req, url.pathname, fault.status, 'none', 'oauthToken');
      return send(res, fault.status, e.body(), opts, JSON_TYPE, fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {});
    }
    const [status, payload, headers] = this.deps.auth.issueToken(req.headers.authorization, body);
    this.record(req, url.pathname, status, 'none', 'oauthToken');
    send(res, status, payload, { envelope: false, pretty: opts.pretty }, JSON_TYPE, headers);
  }
}

function validateParams(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    const decoded = decodeURIComponent(value);
    const [re, label] = ID_PARAMS.has(name) ? [ID_PATTERN, '^([a-f0-9]{24})$'] : [CLUSTER_NAME_PATTERN, '^[a-zA-Z0-9][a-zA-Z0-9-]*$'];
    if (!re.test(decoded)) {
      throw new SimError(400, 'VALIDATION_ERROR', `Invalid path parameter ${name}: ${JSON.stringify(decoded)} must match ${label}.`, [name], [{ field: name, description: `must match ${label}` }]);
    }
  }
}
