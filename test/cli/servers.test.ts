// `worker` and `simulator` as processes: a bad variable stops the worker with exit 2 naming it;
// the simulator serves until SIGINT, then exits 0; a worker stops cleanly on SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { killSpawned, runCli, spawnUntil } from './helpers.js';

// A failed assertion must not leave a server behind.
afterAll(killSpawned);

describe('atlas-backup worker', () => {
  it('stops at start-up with exit 2 naming a bad variable, without echoing its value', async () => {
    const secret = randomBytes(12).toString('hex'); // a dummy, made at run time
    const r = await runCli(['worker'], {
      env: {
        MONGODB_ATLAS_BASE_URL: 'not a url',
        MONGODB_ATLAS_CLIENT_ID: 'id',
        MONGODB_ATLAS_CLIENT_SECRET: secret,
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MONGODB_ATLAS_BASE_URL: must be an http(s) URL');
    expect(r.stderr).not.toContain(secret);
  });

  it('runs against the dev server and exits 0 on SIGTERM', async () => {
    const w = spawnUntil(
      ['worker', '--task-queue', `cli-worker-${Date.now()}`],
      {
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:9',
        MONGODB_ATLAS_AUTH: 'none',
      },
      /atlas-backup worker: task queue 'cli-worker-\d+'/,
    );
    await w.started;
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });
});

const LISTENING_WITH_CREDENTIALS =
  /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*CLIENT_SECRET=(\S+)[\s\S]*MONGODB_ATLAS_PRIVATE_KEY=(\S+)/;

describe('atlas-backup simulator', () => {
  it('serves the Atlas API on 127.0.0.1 until SIGINT, then exits 0', async () => {
    const s = spawnUntil(['simulator', '--port', '0', '--no-auth'], {}, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const [, url] = await s.started;
    const res = await fetch(`${url}/__simulator/counters`);
    expect(res.ok).toBe(true);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('restarted on the same --state, keeps its credentials (a configured worker still signs in)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
    const start = async () => {
      const s = spawnUntil(
        ['simulator', '--port', '0', '--state', join(dir, 'state.json')],
        {},
        LISTENING_WITH_CREDENTIALS,
      );
      const [, url, secret, privateKey] = await s.started;
      return { s, url: url!, secret: secret!, privateKey: privateKey! };
    };
    const first = await start();
    first.s.child.kill('SIGINT');
    expect(await first.s.exited).toBe(0);
    const second = await start();
    try {
      expect(second.secret).toBe(first.secret);
      expect(second.privateKey).toBe(first.privateKey);
      // The kept secret is the one the restarted simulator accepts.
      const basic = Buffer.from(`mdb_sa_id_simulator:${first.secret}`).toString('base64');
      const token = await fetch(`${second.url}/api/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
    } finally {
      second.s.child.kill('SIGINT');
      await second.s.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad flag value exits 2 naming it', async () => {
    const r = await runCli(['simulator', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port');
  });
});
