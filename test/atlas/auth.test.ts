// Both auth methods against a real HTTP server on 127.0.0.1: OAuth client credentials (cached,
// single-flight, refreshed on 401) and HTTP Digest (one challenge, then one round trip per call).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AtlasApiError, AtlasClient, clearDigestCache, clearTokenCache } from '../../src/atlas/index.js';
import { DigestVerifier } from './helpers/digest-server.js';
import { json, startTestServer, type RecordedRequest, type TestServer } from './helpers/server.js';

const GROUP = '5f1a2b3c4d5e6f7a8b9c0d1e';
const SA = { clientId: 'mdb_sa_id_test', clientSecret: 'mdb_sa_sk_TOP-SECRET-value' };
const KEY = { publicKey: 'pubkeyabc', privateKey: 'PRIVATE-key-do-not-leak' };
const cluster = { name: 'Cluster0', stateName: 'IDLE', clusterType: 'REPLICASET' };

let server: TestServer;
const clients: AtlasClient[] = [];
const newClient = (auth: ConstructorParameters<typeof AtlasClient>[0]['auth']) => {
  const c = new AtlasClient({ baseUrl: server.url, auth });
  clients.push(c);
  return c;
};
const getCluster = (c: AtlasClient) => c.request('getCluster', { path: { groupId: GROUP, clusterName: 'Cluster0' } });
const apiRequests = () => server.requests.filter((r) => r.url.startsWith('/api/atlas'));
const tokenRequests = () => server.requests.filter((r) => r.url === '/api/oauth/token');

beforeAll(async () => {
  server = await startTestServer((_req, res) => json(res, 500, {}));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.requests.length = 0;
  clearTokenCache();
  clearDigestCache();
});
afterAll(() => server.close());

describe('service account (OAuth 2.0 client credentials)', () => {
  let issued = 0;
  let valid = new Set<string>();
  function oauthHandler(expiresIn = 3600, tokenDelayMs = 0) {
    issued = 0;
    valid = new Set();
    return async (req: RecordedRequest, res: import('node:http').ServerResponse) => {
      if (req.url === '/api/oauth/token') {
        const basic = Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString('base64');
        if (req.headers.authorization !== `Basic ${basic}` || req.body !== 'grant_type=client_credentials') {
          return json(res, 401, { error: 'invalid_client', error_description: 'bad client credentials' });
        }
        if (tokenDelayMs) await new Promise((r) => setTimeout(r, tokenDelayMs));
        const token = `tok-${++issued}`;
        valid.add(token);
        return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!valid.has(token))
        return json(res, 401, { error: 401, errorCode: 'NOT_ORG_GROUP_CREATOR', reason: 'Unauthorized' });
      return json(res, 200, cluster);
    };
  }

  it('fetches a token with Basic client credentials and sends it as a Bearer token', async () => {
    server.setHandler(oauthHandler());
    const c = newClient({ kind: 'serviceAccount', ...SA });
    await expect(getCluster(c)).resolves.toMatchObject({ name: 'Cluster0' });
    expect(tokenRequests()[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(apiRequests()[0]?.headers.authorization).toBe('Bearer tok-1');
  });

  it('caches the token: many calls from two clients of the same account cause one token request', async () => {
    server.setHandler(oauthHandler());
    const a = newClient({ kind: 'serviceAccount', ...SA });
    const b = newClient({ kind: 'serviceAccount', ...SA });
    for (let i = 0; i < 5; i++) await getCluster(i % 2 ? a : b);
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests()).toHaveLength(5);
  });

  it('fetches single-flight: 100 concurrent first calls cause one token request', async () => {
    server.setHandler(oauthHandler(3600, 30));
    const c = newClient({ kind: 'serviceAccount', ...SA });
    const results = await Promise.all(Array.from({ length: 100 }, () => getCluster(c)));
    expect(results).toHaveLength(100);
    expect(tokenRequests()).toHaveLength(1);
    expect(c.stats).toEqual({ apiCalls: 100, httpRoundTrips: 101, tokenRequests: 1 });
  });

  it('refreshes once and retries the call once when the API answers 401 (revoked token)', async () => {
    server.setHandler(oauthHandler());
    const c = newClient({ kind: 'serviceAccount', ...SA });
    await getCluster(c);
    valid.clear(); // server revokes every token
    await expect(getCluster(c)).resolves.toMatchObject({ name: 'Cluster0' });
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('gives up after one refresh when the API keeps answering 401', async () => {
    server.setHandler((req, res) =>
      req.url === '/api/oauth/token'
        ? json(res, 200, { access_token: `t${Math.random()}`, expires_in: 3600 })
        : json(res, 401, { error: 401, errorCode: 'NOT_ORG_GROUP_CREATOR', reason: 'Unauthorized' }),
    );
    const c = newClient({ kind: 'serviceAccount', ...SA });
    const err = (await getCluster(c).catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err).toMatchObject({ httpStatus: 401, errorCode: 'NOT_ORG_GROUP_CREATOR', retryable: false });
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests()).toHaveLength(2);
  });

  it('refreshes a minute ahead of expiry instead of sending a token about to expire', async () => {
    server.setHandler(oauthHandler(3600));
    // Only Date is faked: the token's age is set exactly, while sockets and timers run for real.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 5, 2) });
    try {
      const issuedAt = Date.now();
      const c = newClient({ kind: 'serviceAccount', ...SA });
      await getCluster(c);
      vi.setSystemTime(issuedAt + 3_600_000 - 60_001); // a minute and a millisecond before expiry: kept
      await getCluster(c);
      expect(tokenRequests()).toHaveLength(1);
      vi.setSystemTime(issuedAt + 3_600_000 - 60_000); // a minute before expiry: replaced
      await getCluster(c);
      expect(tokenRequests()).toHaveLength(2);
      expect(apiRequests().map((r) => r.headers.authorization)).toEqual([
        'Bearer tok-1',
        'Bearer tok-1',
        'Bearer tok-2',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a rate-limited token endpoint as a retryable oauthToken error without the secret', async () => {
    server.setHandler((_req, res) =>
      json(
        res,
        429,
        { error: 429, errorCode: 'RATE_LIMITED', detail: `slow down ${SA.clientSecret}` },
        { 'retry-after': '7' },
      ),
    );
    const c = newClient({ kind: 'serviceAccount', ...SA });
    const err = (await getCluster(c).catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toMatchObject({
      operation: 'oauthToken',
      httpStatus: 429,
      errorCode: 'RATE_LIMITED',
      retryable: true,
      retryAfterSeconds: 7,
    });
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${JSON.stringify(err.toJSON())}`;
    expect(everything).not.toContain(SA.clientSecret);
    expect(everything).not.toContain(Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString('base64'));
  });

  it('reports wrong client credentials as a non-retryable 401 from the token endpoint', async () => {
    server.setHandler(oauthHandler());
    const c = newClient({ kind: 'serviceAccount', clientId: SA.clientId, clientSecret: 'wrong-secret' });
    await expect(getCluster(c)).rejects.toMatchObject({
      operation: 'oauthToken',
      httpStatus: 401,
      errorCode: 'INVALID_CLIENT',
      retryable: false,
    });
    expect(apiRequests()).toHaveLength(0);
  });
});

describe('API key (HTTP Digest)', () => {
  function digestHandler(verifier: DigestVerifier) {
    return (req: RecordedRequest, res: import('node:http').ServerResponse) => {
      const verdict = verifier.verify(req.method, req.url, req.headers.authorization);
      if (verdict === 'ok') return json(res, 200, cluster);
      res.setHeader('www-authenticate', verifier.challenge(verdict === 'stale'));
      return json(res, 401, { error: 401, errorCode: 'NOT_ORG_GROUP_CREATOR', reason: 'Unauthorized' });
    };
  }

  for (const algorithm of ['MD5', 'SHA-256'] as const) {
    it(`answers a ${algorithm} challenge once, then signs every call in one round trip, nc incrementing`, async () => {
      const v = new DigestVerifier({ username: KEY.publicKey, password: KEY.privateKey, algorithm });
      server.setHandler(digestHandler(v));
      const c = newClient({ kind: 'apiKey', ...KEY });
      for (let i = 0; i < 5; i++) await getCluster(c);
      expect(v.challenges).toBe(1);
      expect(c.stats.httpRoundTrips).toBe(6);
      expect(v.ncs).toEqual([1, 2, 3, 4, 5]);
    });
  }

  it('recomputes on stale=true with the new nonce and retries the call once', async () => {
    const v = new DigestVerifier({ username: KEY.publicKey, password: KEY.privateKey });
    server.setHandler(digestHandler(v));
    const c = newClient({ kind: 'apiKey', ...KEY });
    await getCluster(c);
    v.expireNonces();
    await expect(getCluster(c)).resolves.toMatchObject({ name: 'Cluster0' });
    expect(c.stats.httpRoundTrips).toBe(4); // challenge+call, stale+retry
    expect(v.ncs).toEqual([1, 1]); // the new nonce starts its count again
  });

  it('keeps nc strictly increasing per nonce under 50 concurrent calls, then needs no more challenges', async () => {
    const v = new DigestVerifier({ username: KEY.publicKey, password: KEY.privateKey, algorithm: 'SHA-256' });
    server.setHandler(digestHandler(v));
    const c = newClient({ kind: 'apiKey', ...KEY });
    await Promise.all(Array.from({ length: 50 }, () => getCluster(c)));
    expect(v.outOfOrder).toBe(0);
    const challengesAfterWarmUp = v.challenges;
    expect(challengesAfterWarmUp).toBeLessThanOrEqual(50);
    const trips = c.stats.httpRoundTrips;
    for (let burst = 0; burst < 3; burst++) await Promise.all(Array.from({ length: 50 }, () => getCluster(c)));
    expect(c.stats.httpRoundTrips - trips).toBe(150);
    expect(v.challenges).toBe(challengesAfterWarmUp);
    expect(v.outOfOrder).toBe(0);
  });

  it('fails with a 401 AtlasApiError, without the private key, when the key is wrong', async () => {
    const v = new DigestVerifier({ username: KEY.publicKey, password: KEY.privateKey });
    server.setHandler(digestHandler(v));
    const c = newClient({ kind: 'apiKey', publicKey: KEY.publicKey, privateKey: 'WRONG-private-key' });
    const err = (await getCluster(c).catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toMatchObject({ httpStatus: 401, retryable: false, operation: 'getCluster' });
    expect(apiRequests()).toHaveLength(2); // the challenge, one signed attempt, no loop
    expect(`${err.message} ${err.stack} ${JSON.stringify(err.toJSON())}`).not.toContain('WRONG-private-key');
  });
});
