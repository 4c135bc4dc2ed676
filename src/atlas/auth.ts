// Credential state shared by every client in the process: OAuth tokens per (origin, client id)
// and Digest sessions per (origin, public key). Keys include a hash of the secret so a client
// with a wrong secret never borrows another's token; the secrets themselves are never keys.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DigestSession } from './digest.js';
import { AtlasApiError } from './errors.js';

export type AtlasAuth =
  | { kind: 'serviceAccount'; clientId: string; clientSecret: string }
  | { kind: 'apiKey'; publicKey: string; privateKey: string }
  | { kind: 'none' };

export function credentialKey(origin: string, id: string, secret: string): string {
  return `${origin}|${id}|${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

/** Refresh this long before expiry (capped at half the lifetime for short-lived tokens). */
const REFRESH_AHEAD_MS = 60_000;

const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

interface TokenEntry {
  token?: string;
  refreshAtMs: number;
  pending?: Promise<string>;
}

const tokens = new Map<string, TokenEntry>();

/**
 * Returns a valid access token, fetching at most one at a time per key: concurrent callers share
 * the in-flight request. `rejected` is a token the server just refused; it is dropped only if it
 * is still the cached one (another caller may already have replaced it).
 */
export function getToken(key: string, fetchToken: () => Promise<unknown>, rejected?: string): Promise<string> {
  let entry = tokens.get(key);
  if (!entry) {
    entry = { refreshAtMs: 0 };
    tokens.set(key, entry);
  }
  if (rejected !== undefined && entry.token === rejected) {
    entry.token = undefined;
  }
  if (entry.token !== undefined && Date.now() < entry.refreshAtMs) return Promise.resolve(entry.token);
  if (entry.pending) return entry.pending;
  const e = entry;
  e.pending = (async () => {
    try {
      const raw = await fetchToken();
      const parsed = TokenResponse.safeParse(raw);
      if (!parsed.success) {
        throw new AtlasApiError({
          operation: 'oauthToken',
          errorCode: 'INVALID_RESPONSE',
          message: 'oauthToken: token response must carry access_token (string) and expires_in (seconds)',
        });
      }
      const lifetimeMs = parsed.data.expires_in * 1000;
      e.token = parsed.data.access_token;
      e.refreshAtMs = Date.now() + lifetimeMs - Math.min(REFRESH_AHEAD_MS, lifetimeMs / 2);
      return e.token;
    } finally {
      e.pending = undefined;
    }
  })();
  return e.pending;
}

/** Forgets every cached token (tests; a rotated secret gets a new key anyway). */
export function clearTokenCache(): void {
  tokens.clear();
}

/**
 * Digest sessions (one server nonce each) for one key. A session is lent to one request at a
 * time, so its nonce count reaches the server strictly in order even over many parallel sockets
 * (servers may reject an nc lower than one already seen). Concurrency N costs at most N
 * challenges, once; after that every call is a single round trip.
 */
interface DigestEntry {
  idle: DigestSession[];
}

/** More idle sessions than this means a burst is over; let the extra nonces go. */
export const MAX_IDLE_DIGEST_SESSIONS = 64;

const digests = new Map<string, DigestEntry>();

export function digestEntry(key: string): DigestEntry {
  let entry = digests.get(key);
  if (!entry) {
    entry = { idle: [] };
    digests.set(key, entry);
  }
  return entry;
}

export function clearDigestCache(): void {
  digests.clear();
}
