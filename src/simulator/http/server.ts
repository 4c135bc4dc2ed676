// The HTTP front: Atlas paths go through auth (from the headers, before any body is read),
// routing, the body cap, version negotiation, faults and path validation to the operation
// handlers; /__simulator goes to the admin API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SimError } from '../model/errors.js';
import type { Model } from '../model/model.js';
import type { Authenticator, AuthKind } from './auth.js';
import { deliver, withEcho } from './deliver.js';
import type { FaultDecision, FaultInjector } from './faults.js';
import { applyLimits, checkEvery, closeAfter, readBody, TOO_LARGE, type ServerLimits } from './intake.js';
import { simHandlers as handlers } from './operations-2026.js';
import { flags, negotiateVersion, paginate, parsePage, send, type RenderOptions } from './render.js';
import { AtlasRouter, validateParams } from './routing.js';
import { rateLimit } from './rate-decision.js';
import { roleRefusal } from './roles.js';
import { SERVERLESS_OPS, simCatalog as catalog, type SimOperationId as OperationId } from './sim-catalog.js';
import type { TokenBuckets } from './token-buckets.js';

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  operationId?: string;
  status: number;
  auth: AuthKind;
}

export interface ServerDeps {
  model: Model;
  auth: Authenticator;
  faults: FaultInjector;
  logRequests: boolean;
  limits: ServerLimits;
  /** Atlas's token buckets per endpoint set × scope. */
  rateLimits: TokenBuckets;
  /** Serve the serverless backup endpoints as before their sunset, instead of 410 VERSION_GONE. */
  serverlessLegacy: boolean;
  admin: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void;
  /** Download restores' archive URLs (with data); answers and returns true when the path is one. */
  downloads?: (req: IncomingMessage, res: ServerResponse, path: string) => boolean;
}

const JSON_TYPE = 'application/json';
const MAX_LOG = 20_000;
const ATLAS_PREFIX = '/api/atlas/v2/';

interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: URLSearchParams;
  opts: RenderOptions;
  /** The authenticated caller: the USER scope of rate limits. */
  principal?: string;
}

export class SimulatorHttp {
  readonly counters: Record<string, number> = {};
  log: RequestLogEntry[] = [];
  base = '';
  private router = new AtlasRouter();

  constructor(private deps: ServerDeps) {}

  resetObservations(): void {
    for (const k of Object.keys(this.counters)) delete this.counters[k];
    this.log = [];
  }

  createServer(): Server {
    const server = createServer({ connectionsCheckingInterval: checkEvery(this.deps.limits) }, (req, res) => {
      this.dispatch(req, res).catch((err: unknown) => {
        if (this.deps.logRequests) console.error('[simulator] handler crashed:', err);
        if (!res.headersSent)
          send(
            res,
            500,
            new SimError(500, 'UNEXPECTED_ERROR', 'Unexpected error.').body(),
            { envelope: false, pretty: false },
            JSON_TYPE,
          );
      });
    });
    applyLimits(server, this.deps.limits);
    return server;
  }

  private record(req: IncomingMessage, path: string, status: number, auth: AuthKind, operationId?: string): void {
    if (this.log.length >= MAX_LOG) this.log.splice(0, MAX_LOG / 2);
    this.log.push({
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      ...(operationId ? { operationId } : {}),
      status,
      auth,
    });
    if (this.deps.logRequests) console.log(`[simulator] ${req.method} ${path} ${status} ${operationId ?? ''}`);
  }

  /** Answers without reading the body (closing the connection if one is still coming). */
  private reject(
    x: Incoming,
    e: SimError,
    auth: AuthKind,
    operationId?: string,
    headers: Record<string, string> = {},
  ): void {
    closeAfter(x.req, x.res);
    this.record(x.req, x.path, e.status, auth, operationId);
    send(x.res, e.status, e.body(), x.opts, JSON_TYPE, headers);
  }

  /** The body, or undefined once a 413 has been sent. */
  private async body(x: Incoming, auth: AuthKind, operationId?: string): Promise<string | undefined> {
    const body = await readBody(x.req, this.deps.limits.maxBodyBytes);
    if (body !== TOO_LARGE) return body;
    this.reject(
      x,
      new SimError(413, 'REQUEST_ENTITY_TOO_LARGE', `The request body exceeds ${this.deps.limits.maxBodyBytes} bytes.`),
      auth,
      operationId,
    );
    return undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Hand-split path and query: WHATWG URL parsing is a measurable share of a GET's cost.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const x: Incoming = { req, res, path: q < 0 ? raw : raw.slice(0, q), query, opts: flags(query) };
    if (x.path.startsWith('/__simulator')) {
      const body = await this.body(x, 'none');
      if (body !== undefined) this.deps.admin(req, res, new URL(raw, 'http://127.0.0.1'), body);
      return;
    }
    if (x.path === '/api/oauth/token' && req.method === 'POST') {
      const body = await this.body(x, 'none', 'oauthToken');
      if (body !== undefined) this.token(x, body);
      return;
    }
    if (req.method === 'GET' && this.deps.downloads?.(req, res, x.path)) return;
    if (!x.path.startsWith(ATLAS_PREFIX))
      return this.reject(
        x,
        new SimError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${x.path}.`, [x.path]),
        'none',
      );
    return this.atlas(x);
  }

  private async atlas(x: Incoming): Promise<void> {
    const { req } = x;
    const route = this.router.route(req.method ?? 'GET', x.path);
    const operationId = route.kind === 'operation' ? route.operationId : undefined;
    if (operationId) this.counters[operationId] = (this.counters[operationId] ?? 0) + 1;
    // Atlas authenticates before it looks the path up: an anonymous caller learns nothing from 404s.
    const auth = this.deps.auth.check(req);
    if (!auth.ok) return this.reject(x, auth.error, auth.kind, operationId, { 'www-authenticate': auth.challenge });
    x.principal = auth.principal;
    if (route.kind === 'notFound')
      return this.reject(
        x,
        new SimError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${x.path}.`, [x.path]),
        auth.kind,
      );
    if (route.kind === 'notAllowed') {
      return this.reject(
        x,
        new SimError(
          405,
          'METHOD_NOT_ALLOWED',
          `Method ${req.method} is not allowed on ${x.path}; use ${route.allow.join(', ')}.`,
          [req.method],
        ),
        auth.kind,
        undefined,
        { allow: route.allow.join(', ') },
      );
    }
    const refused = roleRefusal(auth.roles, route.operationId);
    if (refused) return this.reject(x, refused, auth.kind, route.operationId);
    const body = await this.body(x, auth.kind, route.operationId);
    if (body === undefined) return;
    const fault = this.deps.faults.decide(route.operationId);
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.kind === 'reset') {
      this.record(req, x.path, 0, auth.kind, route.operationId);
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'status') return this.injected(x, fault, auth.kind, route.operationId);
    // Atlas slow to commit: the operation runs only after the hold, whether or not the client still waits.
    if (fault.kind === 'stallThenCommit') await new Promise((r) => setTimeout(r, fault.holdMs));
    this.operation(x, route.operationId, route.params, body, fault, auth.kind);
  }

  private injected(x: Incoming, fault: FaultDecision, auth: AuthKind, operationId: OperationId): void {
    const status = fault.status!;
    const [code, detail] = INJECTED[status] ?? ['UNEXPECTED_ERROR', 'Injected fault.'];
    const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {};
    if (status === 401) headers['www-authenticate'] = this.deps.auth.challenge();
    const a = withEcho(x.req, fault, {
      status,
      body: new SimError(status, code, detail).body(),
      contentType: JSON_TYPE,
      list: false,
      headers,
    });
    this.record(x.req, x.path, status, auth, operationId);
    send(x.res, status, a.body, x.opts, JSON_TYPE, a.headers);
  }

  private operation(
    x: Incoming,
    operationId: OperationId,
    params: Record<string, string>,
    rawBody: string,
    fault: FaultDecision,
    auth: AuthKind,
  ): void {
    const { req, res } = x;
    const op = catalog[operationId];
    let status = 500;
    try {
      const version = negotiateVersion(req.headers.accept, op);
      if (SERVERLESS_OPS.has(operationId) && !this.deps.serverlessLegacy) {
        throw new SimError(
          410,
          'VERSION_GONE',
          'This resource version was sunset on 2026-01-22; serverless instances are now Flex or dedicated clusters.',
          [version],
        );
      }
      const limit = rateLimit(
        { faults: this.deps.faults, buckets: this.deps.rateLimits },
        { path: x.path, principal: x.principal, ip: x.req.socket.remoteAddress },
        operationId,
        params.groupId ?? '',
      );
      if (limit.refused) {
        status = 429;
        return send(res, 429, limit.refused.body(), x.opts, JSON_TYPE, limit.headers);
      }
      const rate = limit.headers;
      validateParams(params);
      let body: unknown;
      if (rawBody.trim() !== '') {
        try {
          body = JSON.parse(rawBody);
        } catch {
          throw new SimError(400, 'VALIDATION_ERROR', 'Request body is not valid JSON.', ['body']);
        }
      }
      const page = op.list ? parsePage(x.query) : undefined;
      const result = handlers[operationId]({
        m: this.deps.model,
        p: params,
        q: x.query,
        body,
        base: this.base,
        rateLimits: this.deps.rateLimits,
      });
      const contentType = `application/vnd.atlas.${version}+json;charset=utf-8`;
      if (fault.kind === 'dropResponse') {
        status = 0;
        req.socket.destroy();
        return;
      }
      const list = 'list' in result;
      const payload = list
        ? paginate(result.list, page!, new URL(x.path + (x.query.size ? `?${x.query}` : ''), this.base))
        : result.body;
      status = list ? 200 : result.status;
      if (fault.kind === 'commitThenStatus') status = fault.status!;
      return deliver(
        req,
        res,
        fault,
        { status: list ? 200 : result.status, body: payload, contentType, list, headers: rate },
        x.opts,
      );
    } catch (err) {
      const e = err instanceof SimError ? err : new SimError(500, 'UNEXPECTED_ERROR', 'Unexpected error.');
      if (!(err instanceof SimError) && this.deps.logRequests) console.error('[simulator]', err);
      status = e.status;
      const a = withEcho(req, fault, { status, body: e.body(), contentType: JSON_TYPE, list: false, headers: {} });
      return send(res, e.status, a.body, x.opts, JSON_TYPE, a.headers);
    } finally {
      this.record(req, x.path, status, auth, operationId);
    }
  }

  private token(x: Incoming, body: string): void {
    const { req, res } = x;
    this.counters.oauthToken = (this.counters.oauthToken ?? 0) + 1;
    const fault = this.deps.faults.decide('oauthToken');
    if (fault.kind === 'reset' || fault.kind === 'dropResponse') {
      req.socket.destroy();
      this.record(req, x.path, 0, 'none', 'oauthToken');
      return;
    }
    if (fault.kind === 'status') {
      const e = new SimError(
        fault.status!,
        fault.status === 429 ? 'RATE_LIMITED' : 'UNEXPECTED_ERROR',
        `Injected fault: ${fault.status}.`,
      );
      this.record(req, x.path, fault.status!, 'none', 'oauthToken');
      // echoHeaders applies here too: the token request carries the Basic credentials.
      const a = withEcho(req, fault, {
        status: fault.status!,
        body: e.body(),
        contentType: JSON_TYPE,
        list: false,
        headers: fault.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {},
      });
      return send(res, fault.status!, a.body, x.opts, JSON_TYPE, a.headers);
    }
    const [status, payload, headers] = this.deps.auth.issueToken(req.headers.authorization, body);
    this.record(req, x.path, status, 'none', 'oauthToken');
    send(res, status, payload, { envelope: false, pretty: x.opts.pretty }, JSON_TYPE, headers);
  }
}

const INJECTED: Record<number, [string, string]> = {
  500: ['UNEXPECTED_ERROR', 'Injected fault: 500.'],
  502: ['BAD_GATEWAY', 'Injected fault: 502.'],
  503: ['SERVICE_UNAVAILABLE', 'Injected fault: 503.'],
  409: ['CONFLICT', 'Injected fault: 409.'],
  429: ['RATE_LIMITED', 'Injected fault: 429.'],
  401: ['UNAUTHORIZED', 'You are not authorized for this resource. (injected fault)'],
  403: [
    'IP_ADDRESS_NOT_ON_ACCESS_LIST',
    'IP address 127.0.0.1 is not allowed to access this resource. (injected fault)',
  ],
};
