// HTTP Digest access authentication (RFC 7616), client side, qop=auth only. Small on purpose:
// parse the server's challenge, then sign each request reusing the nonce with an incrementing
// nonce count, so after one challenge every call is a single round trip until the server says
// stale=true or sends a new nonce.
import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  qop: string[];
  stale: boolean;
}

/**
 * Splits WWW-Authenticate header value(s) into challenges and keeps the Digest ones we can answer.
 * One header may carry several challenges ("Digest ..., Digest ..."); undici gives an array when
 * the header repeats.
 */
export function parseDigestChallenges(header: string | string[] | undefined): DigestChallenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  const out: DigestChallenge[] = [];
  for (const value of values) {
    for (const { scheme, params } of splitChallenges(value)) {
      if (scheme.toLowerCase() !== 'digest') continue;
      const realm = params.get('realm');
      const nonce = params.get('nonce');
      if (realm === undefined || nonce === undefined) continue;
      const algorithm = normaliseAlgorithm(params.get('algorithm') ?? 'MD5');
      if (algorithm === undefined) continue;
      const qop = (params.get('qop') ?? '')
        .split(',')
        .map((q) => q.trim())
        .filter(Boolean);
      const opaque = params.get('opaque');
      out.push({
        realm,
        nonce,
        algorithm,
        qop,
        stale: (params.get('stale') ?? '').toLowerCase() === 'true',
        ...(opaque !== undefined ? { opaque } : {}),
      });
    }
  }
  return out;
}

/** Prefers SHA-256 over MD5 (RFC 7616 §3.7) and challenges offering qop=auth. */
export function chooseChallenge(challenges: DigestChallenge[]): DigestChallenge | undefined {
  const score = (c: DigestChallenge) => (c.algorithm.startsWith('SHA-256') ? 2 : 0) + (c.qop.includes('auth') ? 1 : 0);
  return [...challenges].sort((a, b) => score(b) - score(a))[0];
}

function normaliseAlgorithm(raw: string): DigestAlgorithm | undefined {
  const upper = raw.toUpperCase();
  if (upper === 'MD5') return 'MD5';
  if (upper === 'MD5-SESS') return 'MD5-sess';
  if (upper === 'SHA-256') return 'SHA-256';
  if (upper === 'SHA-256-SESS') return 'SHA-256-sess';
  return undefined;
}

function splitChallenges(value: string): Array<{ scheme: string; params: Map<string, string> }> {
  const result: Array<{ scheme: string; params: Map<string, string> }> = [];
  let i = 0;
  let current: { scheme: string; params: Map<string, string> } | undefined;
  const n = value.length;
  const skip = (chars: string) => {
    while (i < n && chars.includes(value[i] as string)) i++;
  };
  while (i < n) {
    skip(' \t,');
    const start = i;
    while (i < n && !' \t,='.includes(value[i] as string)) i++;
    const token = value.slice(start, i);
    if (!token) break;
    skip(' \t');
    if (value[i] === '=' && current) {
      i++;
      skip(' \t');
      let v = '';
      if (value[i] === '"') {
        i++;
        while (i < n && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < n) i++;
          v += value[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < n && value[i] !== ',') i++;
        v = value.slice(vs, i).trim();
      }
      current.params.set(token.toLowerCase(), v);
    } else {
      current = { scheme: token, params: new Map() };
      result.push(current);
    }
  }
  return result;
}

function hasher(algorithm: DigestAlgorithm): (s: string) => string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return (s) => createHash(name).update(s, 'utf8').digest('hex');
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/** Signs requests against one challenge; `nc` counts every use of the server's nonce. */
export class DigestSession {
  readonly challenge: DigestChallenge;
  private nc = 0;
  private readonly h: (s: string) => string;
  private readonly baseHa1: string;

  constructor(
    private readonly username: string,
    password: string,
    challenge: DigestChallenge,
  ) {
    this.challenge = challenge;
    this.h = hasher(challenge.algorithm);
    // Only the hash of the password is kept; the password itself is not stored on the session.
    this.baseHa1 = this.h(`${username}:${challenge.realm}:${password}`);
  }

  get nonceCount(): number {
    return this.nc;
  }

  /** The Authorization header value for one request. `uri` is the request-target (path + query). */
  authorize(method: string, uri: string, cnonce = randomBytes(8).toString('hex')): string {
    const c = this.challenge;
    this.nc += 1;
    const nc = this.nc.toString(16).padStart(8, '0');
    const ha1 = c.algorithm.endsWith('-sess') ? this.h(`${this.baseHa1}:${c.nonce}:${cnonce}`) : this.baseHa1;
    const ha2 = this.h(`${method}:${uri}`);
    const useQop = c.qop.includes('auth');
    const response = useQop
      ? this.h(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`)
      : this.h(`${ha1}:${c.nonce}:${ha2}`); // RFC 2069 compatibility when the server offers no qop
    const parts = [
      `username=${quote(this.username)}`,
      `realm=${quote(c.realm)}`,
      `nonce=${quote(c.nonce)}`,
      `uri=${quote(uri)}`,
      `algorithm=${c.algorithm}`,
      `response=${quote(response)}`,
    ];
    if (useQop) parts.push('qop=auth', `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}
