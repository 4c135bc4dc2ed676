// The data plane with `data: { auth: true }`, against real FerretDB through the official driver:
// clusters refuse clients without credentials, the Admin API's temporary database users log in to
// the clusters they are scoped to and nowhere else, and stop logging in once deleted or expired.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshotManifest, snapshotDir, type RunningSimulator } from '../../src/simulator/index.js';
import { startFast, until } from './helpers.js';
import { call, G, seed, snapshot } from './data-helpers.js';

const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-wire`;
const HOUR = 3_600_000;
const READ = [{ roleName: 'read', databaseName: 'app' }];

describe('data plane with authentication (FerretDB SCRAM through the mongodb driver)', () => {
  let sim: RunningSimulator;
  let dir: string;
  const responses: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sim-wire-auth-'));
    sim = await startFast({ auth: { enabled: false }, data: { auth: true }, seed, stateFile: join(dir, 'state.json') });
    if (!sim.dataDir) throw new Error('FerretDB is not installed: run node --import tsx scripts/ferretdb.ts');
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const uri = async (cluster: string): Promise<string> =>
    (await call(sim, 'getCluster', { groupId: G, clusterName: cluster })).connectionStrings.standard as string;

  /** The count of `ns` read on the cluster as this user, or the error the cluster answered. */
  async function readAs(cluster: string, ns: string, username?: string, password = PASSWORD): Promise<number | string> {
    const auth = username ? { auth: { username, password }, authSource: 'admin', authMechanism: 'SCRAM-SHA-256' } : {};
    const client = new MongoClient(await uri(cluster), { directConnection: true, ...auth } as never);
    const [db, coll] = ns.split('.') as [string, string];
    try {
      await client.connect();
      return await client.db(db).collection(coll).countDocuments();
    } catch (e) {
      return (e as Error).message;
    } finally {
      await client.close();
    }
  }

  async function createUser(username: string, extra: Record<string, unknown>): Promise<void> {
    const body = { username, databaseName: 'admin', groupId: G, password: PASSWORD, roles: READ, ...extra };
    const res = await call(sim, 'createDatabaseUser', { groupId: G }, body);
    expect(res.status, JSON.stringify(res)).toBe(201);
    responses.push(JSON.stringify(res));
  }

  it('refuses a client without credentials, or with a wrong password, while seeding went through', async () => {
    expect(await readAs('src', 'app.users')).toMatch(/requires authentication/);
    expect(await readAs('src', 'app.users', 'nobody', 'wrong')).toMatch(/Authentication failed/);
  });

  it('a scoped temporary user reads its cluster, is refused on another, and is refused once deleted', async () => {
    const tomorrow = new Date(Date.now() + 24 * HOUR).toISOString();
    await createUser('scoped', { deleteAfterDate: tomorrow, scopes: [{ name: 'src', type: 'CLUSTER' }] });
    expect(
      await until(
        () => readAs('src', 'app.users', 'scoped'),
        (n) => n === 1_500,
        30_000,
      ),
    ).toBe(1_500);
    expect(await readAs('other', 'private.notes', 'scoped')).toMatch(/Authentication failed/);

    const res = await fetch(`${sim.url}/api/atlas/v2/groups/${G}/databaseUsers/admin/scoped`, {
      method: 'DELETE',
      headers: { accept: 'application/vnd.atlas.2023-01-01+json' },
    });
    expect(res.status).toBe(204);
    responses.push(await res.text());
    await until(
      () => readAs('src', 'app.users', 'scoped'),
      (r) => typeof r === 'string' && /Authentication failed/.test(r),
      30_000,
    );
  });

  it('an unscoped user reaches every cluster of the project', async () => {
    await createUser('everywhere', {});
    expect(
      await until(
        () => readAs('other', 'private.notes', 'everywhere'),
        (n) => n === 5,
        30_000,
      ),
    ).toBe(5);
    expect(await readAs('src', 'app.users', 'everywhere')).toBe(1_500);
  });

  it('a temporary user is refused once its deleteAfterDate passes on the simulator clock', async () => {
    const { nowMs } = await sim.admin.advanceClock(0);
    await createUser('brief', { deleteAfterDate: new Date(nowMs + HOUR).toISOString() });
    expect(
      await until(
        () => readAs('src', 'app.users', 'brief'),
        (n) => n === 1_500,
        30_000,
      ),
    ).toBe(1_500);
    await sim.admin.advanceClock(2 * HOUR);
    await until(
      () => readAs('src', 'app.users', 'brief'),
      (r) => typeof r === 'string' && /Authentication failed/.test(r),
      30_000,
    );
  });

  it('snapshots still capture through the simulator’s own root user', async () => {
    const id = await snapshot(sim, 'src');
    const counts = readSnapshotManifest(snapshotDir(sim.dataDir!, id)).namespaces.map((n) => n.count);
    expect(counts.sort()).toEqual([1_500, 300, 800].sort());
  });

  it('keeps passwords out of responses, the state file and FerretDB’s command line', async () => {
    for (const text of responses) expect(text).not.toContain(PASSWORD);
    const commandLines = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      })
      .filter((c) => c.includes(sim.dataDir!));
    expect(commandLines.length).toBeGreaterThan(0);
    for (const c of commandLines) expect(c).not.toMatch(/setup-password|setup-username/);
    await sim.stop();
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    expect(state).toContain('everywhere');
    expect(state).not.toContain(PASSWORD);
    expect(state).not.toContain('simulator-root');
  });
});
