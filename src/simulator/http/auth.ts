// Atlas authentication: OAuth 2.0 client credentials (bearer tokens) and HTTP Digest (RFC 7616,
// MD5 and SHA-256, qop=auth). Secrets are compared but never logged or echoed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_API_KEY, DEFAULT_SERVICE_ACCOUNT, type AuthOptions } from '../options.js';
import { SimError } from '../model/errors.js';
import { RateLimiter } from './ratelimit.js';

export const REALM = 'MMS Public API';
/** Live nonces kept at most; past it the oldest go first (their clients get stale=true and retry). */
const MAX_NONCES = 200_000;
export type AuthKind = 'bearer' | 'digest' | 'none';

export interface AuthResult {
  ok: true;
  kind: AuthKind;
  /** The caller (service account client id or API public key): the USER scope of rate limits. */
  principal?: string;
  /** The caller's roles when its credential was configured with some (else it may do everything). */
  roles?: readonly string[];
}
export interface AuthChallenge {
  ok: false;
  kind: AuthKind;
  challenge: string;
  error: SimError;
}

const safeEq = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const hash = (alg: 'MD5' | 'SHA-256', s: string) =>
  createHash(alg === 'MD5' ? 'md5' : 'sha256')
    .update(s)
    .digest('hex');

export function parseDigestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(header); m; m = re.exec(header))
    out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  return out;
}

export class Authenticator {
  readonly enabled: boolean;
  private accounts: Map<string, string>;
  private keys: Map<string, string>;
  private roles = new Map<string, readonly string[]>();
  private tokens = new Map<string, { clientId: string; expiresAt: number }>();
  /** In creation order, so expired nonces are always at the front. */
  private nonces = new Map<string, { createdAt: number; lastNc: number }>();
  private tokenLimiter = new RateLimiter();
  private readonly tokenTtlSeconds: number;
  private readonly nonceTtlMs: number;
  private readonly tokenRate: number;

  constructor(opts: AuthOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.accounts = new Map(
      (opts.serviceAccounts ?? [DEFAULT_SERVICE_ACCOUNT]).map((a) => [a.clientId, a.clientSecret]),
    );
    this.keys = new Map((opts.apiKeys ?? [DEFAULT_API_KEY]).map((k) => [k.publicKey, k.privateKey]));
    for (const a of opts.serviceAccounts ?? []) if (a.roles) this.roles.set(a.clientId, a.roles);
    for (const k of opts.apiKeys ?? []) if (k.roles) this.roles.set(k.publicKey, k.roles);
    this.tokenTtlSeconds = opts.tokenTtlSeconds ?? 3600;
    this.nonceTtlMs = opts.digestNonceTtlMs ?? 300_000;
    this.tokenRate = opts.tokenRateLimitPerMinute ?? 10;
  }

  /** POST /api/oauth/token. Returns [status, body, headers]. */
  issueToken(
    authorization: string | undefined,
    form: string,
  ): [number, Record<string, unknown>, Record<string, string>] {
    const m = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const clientId = sep > 0 ? decoded.slice(0, sep) : '';
    const secret = sep > 0 ? decoded.slice(sep + 1) : '';
    const expected = this.accounts.get(clientId);
    if (!m || expected === undefined || !safeEq(secret, expected)) {
      return [
        401,
        { error: 'invalid_client', error_description: 'Invalid client credentials.' },
        { 'www-authenticate': 'Basic realm="oauth"' },
      ];
    }
    const retry = this.tokenLimiter.hit(clientId, this.tokenRate);
    if (retry > 0) {
      const e = new SimError(
        429,
        'RATE_LIMITED',
        `Too many token requests for client ${clientId}; limit is ${this.tokenRate} per minute.`,
        [clientId],
      );
      return [429, e.body(), { 'retry-after': String(retry) }];
    }
    const grant = new URLSearchParams(form).get('grant_type');
    if (grant !== 'client_credentials') {
      return [
        400,
        { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials.' },
        {},
      ];
    }
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { clientId, expiresAt: Date.now() + this.tokenTtlSeconds * 1000 });
    return [
      200,
      { access_token: token, token_type: 'Bearer', expires_in: this.tokenTtlSeconds },
      { 'cache-control': 'no-store' },
    ];
  }

  check(req: IncomingMessage): AuthResult | AuthChallenge {
    if (!this.enabled) return { ok: true, kind: 'none' };
    const header = req.headers.authorization ?? '';
    if (/^Bearer\s/i.test(header)) {
      const t = this.tokens.get(header.slice(7).trim());
      if (t && t.expiresAt > Date.now()) return this.allow('bearer', t.clientId);
      if (t) this.tokens.delete(header.slice(7).trim());
      return this.deny('bearer', 'The access token is invalid or has expired.');
    }
    if (/^Digest\s/i.test(header)) return this.checkDigest(req, parseDigestParams(header.slice(7)));
    return this.deny('none', 'You are not authorized for this resource.');
  }

  private checkDigest(req: IncomingMessage, p: Record<string, string>): AuthResult | AuthChallenge {
    const alg = (p.algorithm ?? 'MD5').toUpperCase();
    if (alg !== 'MD5' && alg !== 'SHA-256') return this.deny('digest', `Unsupported digest algorithm ${alg}.`);
    const password = this.keys.get(p.username ?? '');
    if (password === undefined || !p.nonce || !p.response || p.uri !== req.url || p.realm !== REALM) {
      return this.deny('digest', 'You are not authorized for this resource.');
    }
    const ha1 = hash(alg, `${p.username}:${REALM}:${password}`);
    const ha2 = hash(alg, `${req.method}:${p.uri}`);
    const expected = p.qop
      ? hash(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
      : hash(alg, `${ha1}:${p.nonce}:${ha2}`);
    if (!safeEq(expected, p.response)) return this.deny('digest', 'You are not authorized for this resource.');
    const n = this.nonces.get(p.nonce);
    // A correct digest over an unknown or expired nonce: ask the client to retry with a fresh one.
    if (!n || Date.now() - n.createdAt > this.nonceTtlMs)
      return this.deny('digest', 'The digest nonce has expired.', true);
    const nc = parseInt(p.nc ?? '0', 16);
    if (p.qop && !(nc > n.lastNc)) return this.deny('digest', 'The digest nonce count was reused.', true);
    n.lastNc = nc;
    return this.allow('digest', p.username!);
  }

  private allow(kind: AuthKind, principal: string): AuthResult {
    const roles = this.roles.get(principal);
    return { ok: true, kind, principal, ...(roles ? { roles } : {}) };
  }

  private deny(kind: AuthKind, detail: string, stale = false): AuthChallenge {
    return { ok: false, kind, challenge: this.challenge(stale), error: new SimError(401, 'UNAUTHORIZED', detail) };
  }

  /** One MD5 digest challenge with a fresh nonce, as Atlas sends. */
  challenge(stale = false): string {
    this.pruneNonces();
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, { createdAt: Date.now(), lastNc: 0 });
    return `Digest realm="${REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${String(stale)}`;
  }

  /** Drops expired nonces from the front (amortised O(1) per challenge), and the oldest past the cap. */
  private pruneNonces(): void {
    const cutoff = Date.now() - this.nonceTtlMs;
    for (const [k, v] of this.nonces) {
      if (v.createdAt >= cutoff && this.nonces.size < MAX_NONCES) break;
      this.nonces.delete(k);
    }
  }

  /** Live digest nonces (for the admin API: expiry is observable). */
  get nonceCount(): number {
    return this.nonces.size;
  }

  revokeTokens(): void {
    this.tokens.clear();
  }
  expireNonces(): void {
    for (const n of this.nonces.values()) n.createdAt = 0;
  }
  reset(): void {
    this.tokens.clear();
    this.nonces.clear();
    this.tokenLimiter.reset();
  }
}
