// AtlasClient: one typed entry point over the operation table. It validates inputs before any
// byte leaves the process, authenticates (OAuth bearer or HTTP Digest), sends one request, and
// turns the answer into a parsed resource or an AtlasApiError. It never retries, except the
// single re-authentication a 401 calls for (token refresh, digest re-challenge).
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { catalog, type OperationId } from './catalog.js';
import { type AtlasAuth, credentialKey, digestEntry, getToken, MAX_IDLE_DIGEST_SESSIONS } from './auth.js';
import { chooseChallenge, DigestSession, parseDigestChallenges } from './digest.js';
import { AtlasApiError, errorFromResponse } from './errors.js';
import { CredentialScrubber, serviceAccountForms } from './scrub.js';
import { operations, type ItemOf, type ListOperationId, type RequestArgs, type ResponseOf } from './operations.js';
import { pages, type Page } from './pages.js';
import { buildPath, buildQuery, formatIssues, validateBody } from './validation.js';
import { acquirePool, send, type PoolLease, type RawResponse } from './transport.js';
import { traceAtlasCall } from '../telemetry/atlas-spans.js';
import type { EndpointSetId } from '../contract/pacing.js';

export interface AtlasClientOptions {
  /** Default https://cloud.mongodb.com. */
  baseUrl?: string;
  auth: AtlasAuth;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Default `atlas-backup-orchestrator/<package version>`. */
  userAgent?: string;
  /** Told about every request() once it has its answer (metrics, logs); must not throw. */
  observer?: AtlasObserver;
  /**
   * How long after sending a create whose answer never came it is assumed it can no longer commit
   * unseen (activities wait this long before creating again). Default three times the longer of the
   * headers and body timeouts: an assumption about Atlas, which publishes no bound.
   */
  commitHorizonMs?: number;
  /**
   * Told, for every answer carrying Atlas's RateLimit-Remaining header, how many tokens the
   * operation's bucket has left (pacing reads it; src/client/bucket-pace.ts); must not throw.
   */
  onRateLimit?: (seen: RateLimitSeen) => void;
}

/** One answer's RateLimit-* headers, with the bucket they are about (endpoint set × scope). */
export interface RateLimitSeen {
  operation: OperationId;
  endpointSet?: EndpointSetId;
  /** The project of a GROUP-scoped set. */
  groupId?: string;
  remaining: number;
  /** RateLimit-Limit: the bucket's capacity. */
  limit?: number;
}

/** One request()'s outcome, free of ids and secrets: the operation and its route template only. */
export interface AtlasExchange {
  operation: OperationId;
  method: string;
  /** The catalogue's path template, e.g. /api/atlas/v2/groups/{groupId}/... (never the real path). */
  route: string;
  /** HTTP status Atlas answered (the envelope's status with envelope=true); absent on network errors. */
  httpStatus?: number;
  /** Atlas' errorCode, or the client's own (TIMEOUT, NETWORK_ERROR...); absent on success. */
  errorCode?: string;
  durationMs: number;
  /** The Retry-After Atlas sent with a 429/503, in seconds. */
  retryAfterSeconds?: number;
  /** The RateLimit-Limit and RateLimit-Remaining of a success, when Atlas sent them (it may not). */
  rateLimit?: { limit: number; remaining: number };
}

export type AtlasObserver = (exchange: AtlasExchange) => void;

export interface AtlasClientStats {
  /** request() calls, including each page fetched by paginate(). */
  apiCalls: number;
  /** HTTP exchanges actually sent, token requests and digest challenges included. */
  httpRoundTrips: number;
  tokenRequests: number;
}

const packageVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
export const DEFAULT_BASE_URL = 'https://cloud.mongodb.com';
export const DEFAULT_USER_AGENT = `atlas-backup-orchestrator/${packageVersion}`;

export class AtlasClient {
  readonly stats: AtlasClientStats = { apiCalls: 0, httpRoundTrips: 0, tokenRequests: 0 };
  private readonly origin: string;
  private readonly prefix: string;
  private readonly lease: PoolLease;
  private readonly auth: AtlasAuth;
  private readonly authKey: string;
  /** Every credential form this client sends, cut from whatever text comes back. */
  private readonly scrubber = new CredentialScrubber();
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly userAgent: string;
  private readonly observer: AtlasObserver | undefined;
  private readonly onRateLimit: ((seen: RateLimitSeen) => void) | undefined;
  readonly commitHorizonMs: number;

  constructor(options: AtlasClientOptions) {
    const url = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.auth = checkAuth(options.auth);
    this.authKey =
      this.auth.kind === 'serviceAccount'
        ? credentialKey(this.origin, this.auth.clientId, this.auth.clientSecret)
        : this.auth.kind === 'apiKey'
          ? credentialKey(this.origin, this.auth.publicKey, this.auth.privateKey)
          : '';
    if (this.auth.kind === 'serviceAccount')
      for (const f of serviceAccountForms(this.auth.clientId, this.auth.clientSecret)) this.scrubber.add(f);
    else if (this.auth.kind === 'apiKey') this.scrubber.add(this.auth.privateKey);
    this.headersTimeoutMs = positive('headersTimeoutMs', options.headersTimeoutMs ?? 30_000);
    this.bodyTimeoutMs = positive('bodyTimeoutMs', options.bodyTimeoutMs ?? 30_000);
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.observer = options.observer;
    this.onRateLimit = options.onRateLimit;
    this.commitHorizonMs = positive(
      'commitHorizonMs',
      options.commitHorizonMs ?? 3 * Math.max(this.headersTimeoutMs, this.bodyTimeoutMs),
    );
    this.lease = acquirePool(this.origin, positive('connectTimeoutMs', options.connectTimeoutMs ?? 10_000));
  }

  async request<K extends OperationId>(operation: K, args: RequestArgs<K>): Promise<ResponseOf<K>> {
    this.stats.apiCalls += 1;
    const info = catalog[operation];
    const spec = operations[operation];
    if (!info || !spec) {
      throw new AtlasApiError({
        operation,
        errorCode: 'INVALID_PARAMETER',
        message: `unknown operation ${String(operation)}`,
      });
    }
    const target =
      this.prefix +
      buildPath(operation, info.path, spec.params, args.path as Record<string, unknown>) +
      buildQuery(operation, args.query);
    const mediaType = `application/vnd.atlas.${info.version}+json`;
    const headers: Record<string, string> = { accept: mediaType, 'user-agent': this.userAgent };
    let body: string | undefined;
    if (spec.request) {
      body = JSON.stringify(validateBody(operation, spec.request as z.ZodType, args.body));
      headers['content-type'] = mediaType;
    } else if (args.body !== undefined) {
      throw new AtlasApiError({
        operation,
        errorCode: 'INVALID_REQUEST_BODY',
        message: `${operation}: takes no request body`,
      });
    }
    const started = performance.now();
    const seen = { operation, method: info.method, route: info.path };
    try {
      const res = await this.sendAuthorized(operation, info.method, target, headers, body);
      this.noteRateLimit(operation, args.path as Record<string, unknown>, res);
      const envelope = args.query?.envelope === true;
      const parsed = this.parseResponse(operation, spec.response as z.ZodType | null, res, envelope);
      const rateLimit = rateLimitOf(res.headers);
      this.observe({
        ...seen,
        httpStatus: res.status,
        durationMs: performance.now() - started,
        ...(rateLimit ? { rateLimit } : {}),
      });
      return parsed as ResponseOf<K>;
    } catch (err) {
      const e = err instanceof AtlasApiError ? err : undefined;
      this.observe({
        ...seen,
        durationMs: performance.now() - started,
        errorCode: e?.errorCode ?? 'UNKNOWN_ERROR',
        ...(e?.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
        ...(e?.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      });
      throw err;
    }
  }

  /** Telemetry must never change a request's outcome. */
  private observe(exchange: AtlasExchange): void {
    try {
      this.observer?.(exchange);
    } catch {
      // An observer bug loses one data point, never the call.
    }
  }

  private noteRateLimit(operation: OperationId, path: Record<string, unknown>, res: RawResponse): void {
    if (!this.onRateLimit) return;
    const remaining = headerNumber(res.headers['ratelimit-remaining']);
    if (remaining === undefined) return;
    const limit = headerNumber(res.headers['ratelimit-limit']);
    const endpointSet = catalog[operation].endpointSet;
    try {
      this.onRateLimit({
        operation,
        remaining,
        ...(endpointSet ? { endpointSet } : {}),
        ...(typeof path.groupId === 'string' ? { groupId: path.groupId } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
    } catch {
      // A pacing bug must never change a request's outcome.
    }
  }

  /** Every item of a list operation, page by page (pages.ts says when the list ends). */
  async *paginate<K extends ListOperationId>(
    operation: K,
    args: RequestArgs<K>,
    itemsPerPage = 100,
  ): AsyncIterable<ItemOf<K>> {
    if (!Number.isInteger(itemsPerPage) || itemsPerPage < 1 || itemsPerPage > 500) {
      throw new AtlasApiError({
        operation,
        errorCode: 'INVALID_PARAMETER',
        message: `${operation}: itemsPerPage must be an integer from 1 to 500 (got ${itemsPerPage})`,
      });
    }
    const fetchPage = (pageNum: number) =>
      this.request(operation, { ...args, query: { ...args.query, pageNum, itemsPerPage } }) as Promise<Page<ItemOf<K>>>;
    yield* pages(fetchPage, { itemsPerPage, firstPage: args.query?.pageNum });
  }

  async close(): Promise<void> {
    await this.lease.release();
  }

  private async sendAuthorized(
    operation: OperationId,
    method: string,
    target: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<RawResponse> {
    const go = () => this.send({ operation, method, path: target, headers, ...(body !== undefined ? { body } : {}) });
    const auth = this.auth;
    if (auth.kind === 'none') return go();
    if (auth.kind === 'serviceAccount') {
      const token = await getToken(this.authKey, () => this.fetchToken(auth));
      this.scrubber.add(token);
      headers.authorization = `Bearer ${token}`;
      const res = await go();
      if (res.status !== 401) return res;
      // The token may have been revoked or expired early: fetch a fresh one and try once more.
      const fresh = await getToken(this.authKey, () => this.fetchToken(auth), token);
      this.scrubber.add(fresh);
      headers.authorization = `Bearer ${fresh}`;
      return go();
    }
    return this.sendDigest(auth, method, target, headers, go);
  }

  private async sendDigest(
    auth: { publicKey: string; privateKey: string },
    method: string,
    target: string,
    headers: Record<string, string>,
    go: () => Promise<RawResponse>,
  ): Promise<RawResponse> {
    const entry = digestEntry(this.authKey);
    let session = entry.idle.pop();
    let res: RawResponse | undefined;
    try {
      if (session) headers.authorization = this.digestHeader(session, method, target);
      res = await go();
      if (res.status !== 401) return res;
      // No session yet, a stale nonce, or a nonce the server forgot: answer the fresh challenge
      // once. A second 401 means the key itself is refused.
      const challenge = chooseChallenge(parseDigestChallenges(res.headers['www-authenticate']));
      if (!challenge) return res;
      session = new DigestSession(auth.publicKey, auth.privateKey, challenge);
      headers.authorization = this.digestHeader(session, method, target);
      res = await go();
      return res;
    } finally {
      if (session && res && res.status !== 401 && entry.idle.length < MAX_IDLE_DIGEST_SESSIONS)
        entry.idle.push(session);
    }
  }

  /** A Digest header whose `response=` value is cut from any echo of it. */
  private digestHeader(session: DigestSession, method: string, target: string): string {
    const header = session.authorize(method, target);
    this.scrubber.add(/response="?([0-9a-fA-F]+)/.exec(header)?.[1]);
    return header;
  }

  private async fetchToken(auth: { clientId: string; clientSecret: string }): Promise<unknown> {
    this.stats.tokenRequests += 1;
    const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64');
    const res = await this.send({
      operation: 'oauthToken',
      method: 'POST',
      path: `${this.prefix}/api/oauth/token`,
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': this.userAgent,
        authorization: `Basic ${basic}`,
      },
      body: 'grant_type=client_credentials',
    });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse('oauthToken', res.status, this.scrub(res.text), res.headers['retry-after']);
    }
    try {
      return JSON.parse(res.text) as unknown;
    } catch {
      throw new AtlasApiError({
        operation: 'oauthToken',
        errorCode: 'INVALID_RESPONSE',
        message: 'oauthToken: response is not JSON',
      });
    }
  }

  private async send(o: {
    operation: OperationId | 'oauthToken';
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
  }): Promise<RawResponse> {
    this.stats.httpRoundTrips += 1;
    const route = o.operation === 'oauthToken' ? '/api/oauth/token' : catalog[o.operation].path;
    return traceAtlasCall(o.operation, o.method, route, () =>
      send(this.lease.pool, { ...o, headersTimeoutMs: this.headersTimeoutMs, bodyTimeoutMs: this.bodyTimeoutMs }),
    );
  }

  private parseResponse(
    operation: OperationId,
    schema: z.ZodType | null,
    res: RawResponse,
    envelope: boolean,
  ): unknown {
    let status = res.status;
    let text = res.text;
    let json: unknown;
    if (envelope && status >= 200 && status < 300) {
      // envelope=true: HTTP 200 with {status, content}; the real status lives in the body.
      const env = parseJson(operation, text, (t) => this.scrub(t)) as { status?: unknown; content?: unknown } | null;
      if (env === null || typeof env !== 'object' || typeof env.status !== 'number') {
        throw invalid(operation, 'enveloped response must be {status: number, content}');
      }
      status = env.status;
      json = env.content;
      text = JSON.stringify(env.content ?? null);
    }
    if (status < 200 || status >= 300) {
      throw errorFromResponse(operation, status, this.scrub(text), res.headers['retry-after']);
    }
    if (schema === null) return undefined;
    if (json === undefined) json = parseJson(operation, text, (t) => this.scrub(t));
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw invalid(operation, `response does not match the schema: ${this.scrub(formatIssues(parsed.error))}`);
    return parsed.data;
  }

  /** Error bodies are echoed into messages; make sure no credential can ride along. */
  private scrub(text: string): string {
    return this.scrubber.scrub(text);
  }
}

function headerNumber(v: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return v !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function parseJson(operation: OperationId, text: string, scrub: (t: string) => string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const head = JSON.stringify(scrub(text).slice(0, 80)); // cut first: a secret may straddle the end
    throw invalid(operation, `response is not valid JSON (${text.length} bytes: ${head})`);
  }
}

function invalid(operation: OperationId, why: string): AtlasApiError {
  return new AtlasApiError({ operation, errorCode: 'INVALID_RESPONSE', message: `${operation}: ${why}` });
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`baseUrl must use http or https (got ${url.protocol})`);
  }
  if (url.username || url.password) throw new TypeError('baseUrl must not embed credentials; use options.auth');
  return url;
}

function checkAuth(auth: AtlasAuth | undefined): AtlasAuth {
  const need = (field: string, v: unknown) => {
    if (typeof v !== 'string' || v.length === 0) throw new TypeError(`auth.${field} must be a non-empty string`);
  };
  if (!auth) throw new TypeError("auth is required: {kind: 'serviceAccount' | 'apiKey' | 'none', ...}");
  if (auth.kind === 'serviceAccount') {
    need('clientId', auth.clientId);
    need('clientSecret', auth.clientSecret);
  } else if (auth.kind === 'apiKey') {
    need('publicKey', auth.publicKey);
    need('privateKey', auth.privateKey);
  } else if (auth.kind !== 'none') {
    throw new TypeError("auth.kind must be 'serviceAccount', 'apiKey' or 'none'");
  }
  return auth;
}

/** RateLimit-Limit and RateLimit-Remaining when both are whole numbers ("might not always" be sent). */
function rateLimitOf(headers: Record<string, string | string[] | undefined>) {
  const n = (v: string | string[] | undefined) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
  const limit = n(headers['ratelimit-limit']);
  const remaining = n(headers['ratelimit-remaining']);
  return limit !== undefined && remaining !== undefined ? { limit, remaining } : undefined;
}

function positive(field: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0)
    throw new TypeError(`${field} must be a positive number of milliseconds (got ${v})`);
  return v;
}
