// No input makes the simulator answer 5xx or corrupt its state; slow or oversized clients cannot
// hold its memory or sockets. Each case here answered 500, hung, or grew without bound before.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast, until } from './helpers.js';

let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
const T = { targetGroupId: DEMO_IDS.targetProjectId, targetClusterName: DEMO_IDS.restoreTarget };

beforeAll(async () => {
  sim = await startFast({ seed: DEMO_SEED, limits: { maxBodyBytes: 64 * 1024 } });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());

/** A raw HTTP exchange: writes `head` (and optionally part of a body), resolves with the first response bytes. */
function raw(port: number, head: string, body = ''): Promise<{ text: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head + body));
    let text = '';
    socket.on('data', (d) => {
      text += d;
      if (text.includes('\r\n\r\n')) resolve({ text, socket });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a response: ${JSON.stringify(text)}`)));
    setTimeout(() => reject(new Error(`no response within 10 s: ${JSON.stringify(text)}`)), 10_000).unref();
  });
}

describe('bad input gets a 4xx and changes nothing', () => {
  it.each(['%25', '%', 'a%2Fb', '%E0%A4%A'])(
    'answers 400 for the cluster name %s (paths are decoded once)',
    async (name) => {
      const res = await fetch(`${sim.url}/api/atlas/v2/groups/${G}/clusters/${name}/backup/snapshots`, {
        headers: { authorization: `Bearer ${atlas.token}`, accept: 'application/vnd.atlas.2023-01-01+json' },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    },
  );

  it('refuses a retentionInDays whose expiry cannot be written as a date; the cluster keeps working', async () => {
    const before = (await atlas.call('listBackupSnapshots', RS)).body.totalCount;
    for (const retentionInDays of [1_800_000_000, 2_147_483_648, 1e300]) {
      const r = await atlas.call('takeSnapshots', RS, { body: { retentionInDays } });
      expect([r.status, r.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
      expect(r.body.detail).toContain('retentionInDays');
    }
    expect((await atlas.call('listBackupSnapshots', RS)).body.totalCount).toBe(before);
    expect((await atlas.call('takeSnapshots', RS, { body: { retentionInDays: 3 } })).status).toBe(200);
  });

  it.each([
    [{ deliveryType: 'pointInTime', pointInTimeUTCSeconds: 2 ** 53 - 1, ...T }, 'pointInTimeUTCSeconds'],
    [{ deliveryType: 'pointInTime', oplogTs: 2 ** 53 - 1, oplogInc: 1, ...T }, 'oplogTs'],
    [{ deliveryType: 'pointInTime', oplogTs: 1_700_000_000, oplogInc: 2 ** 40, ...T }, 'oplogInc'],
  ])('answers 400 for an unrepresentable point in time %j and stores no job', async (body, field) => {
    const before = (await sim.admin.resources()).restoreJobs.length;
    const r = await atlas.call('createBackupRestoreJob', RS, { body });
    expect([r.status, r.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    expect(r.body.detail).toContain(field);
    expect((await sim.admin.resources()).restoreJobs.length).toBe(before);
  });
});

describe('auth first, then the path, then the body', () => {
  it('answers an anonymous request to any /api/atlas/v2 path with 401 and one MD5 challenge', async () => {
    for (const path of ['/api/atlas/v2/groups/nope', `/api/atlas/v2/groups/${G}/clusters/${DEMO_IDS.replicaSet}`]) {
      const res = await fetch(`${sim.url}${path}`);
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge.match(/Digest /g)).toHaveLength(1);
      expect(challenge).toMatch(/algorithm=MD5/);
    }
    expect(
      (await fetch(`${sim.url}/api/atlas/v2/groups/nope`, { headers: { authorization: `Bearer ${atlas.token}` } }))
        .status,
    ).toBe(404);
  });

  it('answers an anonymous upload with 401 before its body arrives, and closes the connection', async () => {
    const head =
      `POST ${atlas.path('takeSnapshots', RS)} HTTP/1.1\r\nHost: x\r\n` +
      'Content-Type: application/json\r\nContent-Length: 300000000\r\n\r\n';
    const { text, socket } = await raw(sim.port, head, '{"description":"');
    expect(text).toMatch(/^HTTP\/1.1 401/);
    expect(text.toLowerCase()).toContain('connection: close');
    await until(
      async () => socket.closed,
      (closed) => closed,
      10_000,
    );
  });

  it('answers 413 to an authenticated body over the cap, announced or streamed, and stores nothing', async () => {
    const before = (await sim.admin.resources()).snapshots.length;
    const announced = await raw(
      sim.port,
      `POST ${atlas.path('takeSnapshots', RS)} HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: Bearer ${atlas.token}\r\nContent-Length: 70000\r\n\r\n`,
    );
    expect(announced.text).toMatch(/^HTTP\/1.1 413/);
    announced.socket.destroy();
    const big = JSON.stringify({ description: 'x'.repeat(100_000) });
    const streamed = await fetch(`${sim.url}${atlas.path('takeSnapshots', RS)}`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
      headers: {
        authorization: `Bearer ${atlas.token}`,
        accept: 'application/vnd.atlas.2024-08-05+json',
        'content-type': 'application/json',
      },
    } as RequestInit).catch((e: unknown) => e);
    // The server may close before the client has sent everything; either way no snapshot is made.
    if (streamed instanceof Response)
      expect(((await streamed.json()) as { errorCode: string }).errorCode).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect((await sim.admin.resources()).snapshots.length).toBe(before);
  });
});

describe('slow and many clients', () => {
  it('closes connections that never finish their headers (slowloris)', async () => {
    const s = await startFast({ limits: { headersTimeoutMs: 300 } });
    try {
      const sockets = Array.from({ length: 5 }, () => {
        const c = connect(s.port, '127.0.0.1', () => c.write('GET /api/atlas/v2/groups HTTP/1.1\r\nHost: x\r\n'));
        c.on('error', () => {}).resume();
        return c;
      });
      await until(
        async () => sockets.filter((c) => c.closed).length,
        (n) => n === 5,
        20_000,
      );
    } finally {
      await s.stop();
    }
  });

  it('refuses a connection past its cap while those under it stay open, and serves one once one leaves', async () => {
    // Long header and keep-alive timeouts: only the cap can close a connection here.
    const s = await startFast({ limits: { headersTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000, maxConnections: 4 } });
    const request = 'GET /api/atlas/v2/groups HTTP/1.1\r\nHost: x\r\n\r\n';
    const held: Socket[] = [];
    try {
      // Four answered requests: four connections the server has accepted and keeps alive.
      for (let i = 0; i < 4; i++) held.push((await raw(s.port, request)).socket);
      const extra = connect(s.port, '127.0.0.1');
      let answered = '';
      extra.on('data', (d) => (answered += d)).on('error', () => {});
      await until(
        async () => extra.closed,
        (closed) => closed,
        20_000,
      );
      expect(answered).toBe('');
      expect(held.map((c) => c.closed)).toEqual([false, false, false, false]);
      // One leaves: the next connection is served.
      held.shift()!.destroy();
      const served = await until(
        () =>
          raw(s.port, request).then(
            ({ text, socket }) => (held.push(socket), text),
            () => '',
          ),
        (text) => text.startsWith('HTTP/1.1 '),
        20_000,
      );
      expect(served).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      held.forEach((c) => c.destroy());
      await s.stop();
    }
  });

  it('forgets expired digest nonces instead of keeping every challenge it ever sent', async () => {
    for (let i = 0; i < 50; i++) await fetch(`${sim.url}/api/atlas/v2/groups/${G}`);
    expect((await sim.admin.nonceCount()).count).toBeGreaterThanOrEqual(50);
    await sim.admin.expireNonces();
    await fetch(`${sim.url}/api/atlas/v2/groups/${G}`);
    expect((await sim.admin.nonceCount()).count).toBe(1);
  });
});
