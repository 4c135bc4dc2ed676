// Error shapes, Retry-After, timeouts, malformed bodies and input validation, against a real
// HTTP server on 127.0.0.1 that answers exactly what each case needs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AtlasApiError, AtlasClient, DEFAULT_USER_AGENT, parseRetryAfter } from '../../src/atlas/index.js';
import { json, startTestServer, type TestServer } from './helpers/server.js';

const GROUP = '5f1a2b3c4d5e6f7a8b9c0d1e';
const SNAP = '32b6e34b3d91647abb20e7b8';
const snapshotPath = { groupId: GROUP, clusterName: 'Cluster0', snapshotId: SNAP };
const replicaSnapshot = {
  id: SNAP,
  status: 'completed',
  type: 'replicaSet',
  snapshotType: 'onDemand',
  futureField: { x: 1 },
};

// Error bodies exactly as the seed documents show them.
const SEED_ERRORS = [
  {
    error: 400,
    reason: 'Bad Request',
    errorCode: 'VALIDATION_ERROR',
    detail: 'No provider AWS exists.',
    retryable: false,
  },
  { error: 401, reason: 'Unauthorized', errorCode: 'NOT_ORG_GROUP_CREATOR', detail: '', retryable: false },
  { error: 403, reason: 'Forbidden', errorCode: 'CANNOT_CHANGE_GROUP_NAME', detail: '', retryable: false },
  {
    error: 404,
    reason: 'Not Found',
    errorCode: 'RESOURCE_NOT_FOUND',
    detail: 'Cannot find resource AWS',
    retryable: false,
  },
  {
    error: 409,
    reason: 'Conflict',
    errorCode: 'CANNOT_DELETE_ORG_ACTIVE_LIVE_MIGRATION_ATLAS_ORG_LINK',
    detail: 'active migration',
    retryable: true,
  },
  { error: 429, reason: 'Too Many Requests', errorCode: 'RATE_LIMITED', detail: 'rate limited', retryable: true },
  { error: 500, reason: 'Internal Server Error', errorCode: 'UNEXPECTED_ERROR', detail: '', retryable: true },
];

let server: TestServer;
let client: AtlasClient;
beforeAll(async () => {
  server = await startTestServer((_req, res) => json(res, 200, replicaSnapshot));
  client = new AtlasClient({ baseUrl: server.url, auth: { kind: 'none' }, headersTimeoutMs: 300, bodyTimeoutMs: 300 });
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const getSnapshot = (c = client) => c.request('getClusterBackupSnapshot', { path: snapshotPath });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as AtlasApiError,
  );

describe('requests', () => {
  it('sends the versioned Accept header, the same Content-Type on bodies, and the User-Agent', async () => {
    server.setHandler((_req, res) => json(res, 200, { ...replicaSnapshot, status: 'queued' }));
    await client.request('takeSnapshots', {
      path: { groupId: GROUP, clusterName: 'Cluster0' },
      body: { description: 'd', retentionInDays: 3 },
    });
    const [req] = server.requests;
    expect(req).toMatchObject({
      method: 'POST',
      url: `/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/backup/snapshots`,
    });
    expect(req?.headers.accept).toBe('application/vnd.atlas.2024-08-05+json');
    expect(req?.headers['content-type']).toBe('application/vnd.atlas.2024-08-05+json');
    expect(req?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^atlas-backup-orchestrator\/\d+\.\d+\.\d+/);
    expect(JSON.parse(req?.body ?? '')).toEqual({ description: 'd', retentionInDays: 3 });
  });

  it('reuses one keep-alive connection across sequential calls and across clients of the same base URL', async () => {
    server.setHandler((_req, res) => json(res, 200, replicaSnapshot));
    const other = new AtlasClient({
      baseUrl: server.url,
      auth: { kind: 'none' },
      headersTimeoutMs: 300,
      bodyTimeoutMs: 300,
    });
    try {
      await getSnapshot(); // make sure a warm socket exists
      const before = server.connections();
      for (let i = 0; i < 10; i++) await getSnapshot(i % 2 ? client : other);
      expect(server.connections()).toBe(before);
      expect(server.requests).toHaveLength(11);
    } finally {
      await other.close();
    }
    // Closing one client leaves the shared pool usable.
    await expect(getSnapshot()).resolves.toMatchObject({ id: SNAP });
  });

  it('keeps unknown response fields (Atlas adds fields over time)', async () => {
    server.setHandler((_req, res) => json(res, 200, replicaSnapshot));
    await expect(getSnapshot()).resolves.toMatchObject({ futureField: { x: 1 } });
  });

  it('unwraps envelope=true responses and passes pretty through', async () => {
    server.setHandler((_req, res) => json(res, 200, { status: 200, content: replicaSnapshot }));
    const snap = await client.request('getClusterBackupSnapshot', {
      path: snapshotPath,
      query: { envelope: true, pretty: true },
    });
    expect(snap.id).toBe(SNAP);
    expect(server.requests[0]?.url).toMatch(/\?envelope=true&pretty=true$/);
  });

  it('turns an enveloped error status into an AtlasApiError', async () => {
    server.setHandler((_req, res) =>
      json(res, 200, { status: 404, content: { error: 404, errorCode: 'SNAPSHOT_NOT_FOUND', reason: 'Not Found' } }),
    );
    const err = await failure(
      client.request('getClusterBackupSnapshot', { path: snapshotPath, query: { envelope: true } }),
    );
    expect(err).toMatchObject({ httpStatus: 404, errorCode: 'SNAPSHOT_NOT_FOUND', retryable: false });
  });

  it('paginates until a short page and yields every item', async () => {
    server.setHandler((req, res) => {
      const page = Number(new URL(req.url, 'http://x').searchParams.get('pageNum'));
      const count = page < 3 ? 2 : 1;
      const results = Array.from({ length: count }, (_, i) => ({
        ...replicaSnapshot,
        id: `${page}${i}`.padStart(24, 'a'),
      }));
      json(res, 200, { results, totalCount: 5 });
    });
    const ids: string[] = [];
    for await (const s of client.paginate(
      'listBackupSnapshots',
      { path: { groupId: GROUP, clusterName: 'Cluster0' } },
      2,
    ))
      ids.push(s.id);
    expect(ids).toHaveLength(5);
    expect(server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('pageNum'))).toEqual(['1', '2', '3']);
    expect(server.requests[0]?.url).toContain('itemsPerPage=2');
  });
});

describe('error responses', () => {
  for (const e of SEED_ERRORS) {
    it(`maps the seed's HTTP ${e.error} ${e.errorCode} body to AtlasApiError (retryable: ${e.retryable})`, async () => {
      const { retryable: _r, ...body } = e;
      server.setHandler((_req, res) => json(res, e.error, { ...body, parameters: ['p1'] }));
      const err = await failure(getSnapshot());
      expect(err).toBeInstanceOf(AtlasApiError);
      expect(err).toMatchObject({
        httpStatus: e.error,
        errorCode: e.errorCode,
        reason: e.reason,
        parameters: ['p1'],
        operation: 'getClusterBackupSnapshot',
        retryable: e.retryable,
      });
      expect(err.message).toContain(e.errorCode);
      expect(err.toJSON()).toMatchObject({ httpStatus: e.error, errorCode: e.errorCode, retryable: e.retryable });
    });
  }

  it('treats 400 UNFINISHED_ON_DEMAND_SNAPSHOT as retryable (wait for the previous snapshot)', async () => {
    server.setHandler((_req, res) =>
      json(res, 400, {
        error: 400,
        errorCode: 'UNFINISHED_ON_DEMAND_SNAPSHOT',
        detail: 'Another on-demand snapshot is queued or in progress.',
      }),
    );
    const err = await failure(
      client.request('takeSnapshots', { path: { groupId: GROUP, clusterName: 'Cluster0' }, body: {} }),
    );
    expect(err).toMatchObject({ httpStatus: 400, errorCode: 'UNFINISHED_ON_DEMAND_SNAPSHOT', retryable: true });
  });

  it('parses Retry-After in seconds and as an HTTP date', async () => {
    server.setHandler((_req, res) =>
      json(res, 503, { error: 503, errorCode: 'SERVICE_UNAVAILABLE' }, { 'retry-after': '12' }),
    );
    expect(await failure(getSnapshot())).toMatchObject({ retryAfterSeconds: 12, retryable: true });
    const now = Date.parse('2025-05-04T09:42:00Z');
    expect(parseRetryAfter('Sun, 04 May 2025 09:42:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('garbage', now)).toBeUndefined();
  });

  // The body Atlas's rate-limit docs show for an empty token bucket.
  const bucket429 = (errorCode: string, retryAfter: unknown) => ({
    detail: 'Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 seconds.',
    error: 429,
    errorCode,
    parameters: ['api/atlas/v2/orgs', retryAfter, 10, 5, 60],
    reason: 'Too Many Requests',
  });

  it('takes a 429 token-bucket wait from its parameters when Retry-After is absent (both codes)', async () => {
    for (const code of ['RATE_LIMITED_TOKEN_BUCKET', 'RATE_LIMITED']) {
      server.setHandler((_req, res) => json(res, 429, bucket429(code, 55)));
      const err = await failure(getSnapshot());
      expect(err).toMatchObject({ httpStatus: 429, errorCode: code, retryAfterSeconds: 55, retryable: true });
      expect(err.toJSON()).toMatchObject({ retryAfterSeconds: 55, parameters: ['api/atlas/v2/orgs', 55, 10, 5, 60] });
    }
  });

  it('prefers the Retry-After header to the parameters, and ignores parameters of another shape', async () => {
    server.setHandler((_req, res) =>
      json(res, 429, bucket429('RATE_LIMITED_TOKEN_BUCKET', 55), { 'retry-after': '7' }),
    );
    expect(await failure(getSnapshot())).toMatchObject({ retryAfterSeconds: 7 });
    for (const odd of ['soon', -3, null]) {
      server.setHandler((_req, res) => json(res, 429, bucket429('RATE_LIMITED_TOKEN_BUCKET', odd)));
      expect((await failure(getSnapshot())).retryAfterSeconds).toBeUndefined();
    }
    // Another error's parameters are not a wait, even when the second one is a number.
    server.setHandler((_req, res) =>
      json(res, 409, { error: 409, errorCode: 'CONFLICT', parameters: ['Cluster0', 30] }),
    );
    expect((await failure(getSnapshot())).retryAfterSeconds).toBeUndefined();
  });

  it('still produces an AtlasApiError from a non-JSON error body (a proxy HTML page)', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const err = await failure(getSnapshot());
    expect(err).toMatchObject({ httpStatus: 502, errorCode: 'UNEXPECTED_ERROR', retryable: true });
    expect(err.detail).toContain('Bad Gateway');
  });
});

describe('malformed responses', () => {
  it('rejects a 200 whose body is not JSON with INVALID_RESPONSE', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "32b6e34b3d91647abb20e7b8", "status": ');
    });
    expect(await failure(getSnapshot())).toMatchObject({ errorCode: 'INVALID_RESPONSE', retryable: false });
  });

  it('names the JSON path of a field with the wrong type', async () => {
    server.setHandler((_req, res) =>
      json(res, 200, { results: [replicaSnapshot, { ...replicaSnapshot, status: 42 }] }),
    );
    const err = await failure(
      client.request('listBackupSnapshots', { path: { groupId: GROUP, clusterName: 'Cluster0' } }),
    );
    expect(err.errorCode).toBe('INVALID_RESPONSE');
    expect(err.message).toContain('results[1].status');
  });

  it('rejects a snapshot status outside the documented enum', async () => {
    server.setHandler((_req, res) => json(res, 200, { ...replicaSnapshot, status: 'exploded' }));
    expect((await failure(getSnapshot())).message).toMatch(/status/);
  });
});

describe('timeouts and network errors', () => {
  it('reports a server that never answers as a retryable TIMEOUT', async () => {
    server.setHandler(() => undefined); // hold the request open
    const err = await failure(getSnapshot());
    expect(err).toMatchObject({ errorCode: 'TIMEOUT', retryable: true, operation: 'getClusterBackupSnapshot' });
    expect(err.httpStatus).toBeUndefined();
  });

  it('reports a stalled body as a retryable TIMEOUT', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":'); // and never finish
    });
    expect(await failure(getSnapshot())).toMatchObject({ errorCode: 'TIMEOUT', retryable: true });
  });

  it('reports a refused connection as a retryable NETWORK_ERROR', async () => {
    const closed = await startTestServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const c = new AtlasClient({ baseUrl: url, auth: { kind: 'none' } });
    try {
      expect(await failure(getSnapshot(c))).toMatchObject({ errorCode: 'NETWORK_ERROR', retryable: true });
    } finally {
      await c.close();
    }
  });
});

describe('input validation happens before any request', () => {
  it.each([
    ['groupId', { ...snapshotPath, groupId: 'not-hex' }, /groupId must be a 24-hex-digit id/],
    ['snapshotId', { ...snapshotPath, snapshotId: '32B6E34B3D91647ABB20E7B8' }, /snapshotId must be a 24-hex-digit id/],
    ['clusterName', { ...snapshotPath, clusterName: '-bad name' }, /clusterName must match/],
    ['clusterName', { ...snapshotPath, clusterName: '../admin' }, /clusterName must match/],
    ['snapshotId', { groupId: GROUP, clusterName: 'Cluster0' }, /snapshotId is required/],
  ])('rejects an invalid %s naming the parameter and the rule', async (_name, path, rule) => {
    const err = await failure(client.request('getClusterBackupSnapshot', { path: path as typeof snapshotPath }));
    expect(err).toMatchObject({ errorCode: 'INVALID_PARAMETER', retryable: false });
    expect(err.message).toMatch(rule);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a restore request that breaks seed 003 rules, naming the field', async () => {
    const err = await failure(
      client.request('createBackupRestoreJob', {
        path: { groupId: GROUP, clusterName: 'Cluster0' },
        body: { deliveryType: 'automated', snapshotId: SNAP },
      }),
    );
    expect(err).toMatchObject({ errorCode: 'INVALID_REQUEST_BODY', retryable: false });
    expect(err.message).toContain('targetClusterName: targetClusterName is required for deliveryType automated');
    const pit = await failure(
      client.request('createBackupRestoreJob', {
        path: { groupId: GROUP, clusterName: 'Cluster0' },
        body: { deliveryType: 'pointInTime', targetClusterName: 'C1', targetGroupId: GROUP, pointInTimeUTCSeconds: 42 },
      }),
    );
    expect(pit.message).toMatch(/pointInTimeUTCSeconds: .*1199145600/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects bad query flags', async () => {
    const err = await failure(
      client.request('listBackupSnapshots', {
        path: { groupId: GROUP, clusterName: 'Cluster0' },
        query: { itemsPerPage: 501 },
      }),
    );
    expect(err.message).toContain('itemsPerPage must be an integer from 1 to 500');
    expect(server.requests).toHaveLength(0);
  });

  it('rejects client options that cannot work, naming the field', () => {
    expect(() => new AtlasClient({ baseUrl: 'ftp://x', auth: { kind: 'none' } })).toThrow(
      /baseUrl must use http or https/,
    );
    expect(() => new AtlasClient({ auth: { kind: 'apiKey', publicKey: 'p', privateKey: '' } })).toThrow(
      /auth.privateKey must be a non-empty string/,
    );
    expect(() => new AtlasClient({ auth: { kind: 'none' }, headersTimeoutMs: 0 })).toThrow(
      /headersTimeoutMs must be a positive/,
    );
  });
});
