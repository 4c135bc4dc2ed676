// The data plane: a FerretDB per dedicated cluster, and the data work of jobs. Job status stays
// derived from the clock (model/); a job whose data work is pending reads unfinished until this
// loop has done it, so a client never sees a completed snapshot whose data is not captured yet.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { DataFaults } from '../options.js';
import type { DatabaseUser } from '../model/database-users.js';
import type { DataHooks, Model } from '../model/model.js';
import { snapshotFinishedAt } from '../model/snapshots.js';
import { clusterKey, type Cluster, type RestoreJob, type Snapshot } from '../model/types.js';
import { captureCluster, dropUserDatabases, loadCollection, type LoadItem, type TtlCatalog } from './copy.js';
import { readSnapshotManifest, snapshotDir, type SnapshotManifest } from './snapshot-files.js';
import { FerretDbPool } from './servers.js';
import { WireUsers } from './wire-users.js';

const TICK_MS = 100;
const dedicated = (c: Cluster) => c.kind === 'replicaSet' || c.kind === 'sharded';
const matches = (rule: { clusterName?: string }, c: string) => !rule.clusterName || rule.clusterName === c;

export class DataPlane implements DataHooks {
  readonly pool: FerretDbPool;
  private clients = new Map<string, MongoClient>();
  private busy = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ttl: Record<string, TtlCatalog>;
  /** Extra per-tick work (collection restore jobs), run after the job hooks. */
  readonly extraWork: ((plane: DataPlane) => void)[] = [];
  /** With authentication on: the root user every connection of the simulator's own uses. */
  private readonly root?: { username: string; password: string };
  private readonly wireUsers?: WireUsers;

  constructor(
    readonly model: Model,
    binary: string,
    readonly dataDir: string,
    readonly faults: DataFaults = {},
    auth = false,
  ) {
    mkdirSync(dataDir, { recursive: true });
    if (auth) {
      const username = `simulator-root-${randomBytes(4).toString('hex')}`;
      this.root = { username, password: randomBytes(24).toString('base64url') };
      this.wireUsers = new WireUsers(this);
    }
    this.pool = new FerretDbPool({
      binary,
      dir: join(dataDir, 'clusters'),
      latencyMs: () => this.faults.slowDataPlaneMs ?? 0,
      ...(this.root ? { root: this.root } : {}),
    });
    this.ttl = existsSync(this.ttlFile) ? (JSON.parse(readFileSync(this.ttlFile, 'utf8')) as typeof this.ttl) : {};
  }

  private get ttlFile(): string {
    return join(this.dataDir, 'ttl-indexes.json');
  }
  ttlOf(c: { groupId: string; name: string }): TtlCatalog {
    return (this.ttl[clusterKey(c.groupId, c.name)] ??= {});
  }
  saveTtl(): void {
    writeFileSync(this.ttlFile, JSON.stringify(this.ttl));
  }

  holds(c: Cluster): boolean {
    return dedicated(c);
  }

  connectionString(c: Cluster): string | undefined {
    const port = this.pool.port(clusterKey(c.groupId, c.name));
    return port === undefined ? undefined : `mongodb://127.0.0.1:${port}/`;
  }

  async start(): Promise<void> {
    await this.syncEndpoints();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** A driver connected straight to the cluster's FerretDB (no injected latency), started if needed. */
  async client(c: { groupId: string; name: string }): Promise<MongoClient> {
    const key = clusterKey(c.groupId, c.name);
    const have = this.clients.get(key);
    if (have) return have;
    await this.pool.open(key);
    const port = await this.pool.backend(key);
    const auth = this.root ? { auth: this.root, authSource: 'admin', authMechanism: 'SCRAM-SHA-256' as const } : {};
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { directConnection: true, ...auth });
    await client.connect();
    this.clients.set(key, client);
    return client;
  }

  /** With authentication on, the Admin API's new SCRAM user is created on the clusters it may reach. */
  userCreated(u: DatabaseUser, password: string | undefined): void {
    this.wireUsers?.created(u, password);
  }

  /** Opens endpoints for new dedicated clusters and closes those of deleted ones. */
  private async syncEndpoints(): Promise<void> {
    const want = new Set(
      Object.values(this.model.state.clusters)
        .filter(dedicated)
        .map((c) => clusterKey(c.groupId, c.name)),
    );
    for (const key of want) await this.pool.open(key);
    for (const key of this.pool.keys()) {
      if (want.has(key)) continue;
      await this.clients.get(key)?.close();
      this.clients.delete(key);
      await this.pool.close(key);
    }
  }

  /** Runs `work` once per id at a time; a failure marks nothing done, so the next tick retries. */
  run(id: string, work: () => Promise<void>): void {
    if (this.busy.has(id)) return;
    this.busy.add(id);
    work()
      .catch((e: unknown) => console.error(`[simulator] data plane: ${(e as Error).message}`))
      .finally(() => this.busy.delete(id));
  }

  private tick(): void {
    this.run('endpoints', () => this.syncEndpoints());
    const now = this.model.now();
    for (const s of Object.values(this.model.state.snapshots)) {
      if (s.dataState === 'pending' && now >= snapshotFinishedAt(s)) this.run(s.id, () => this.capture(s));
    }
    for (const r of Object.values(this.model.state.restores)) {
      if (r.dataState !== 'pending' || now < r.createdAt + r.durationMs) continue;
      this.run(r.id, () => this.restore(r));
    }
    for (const w of this.extraWork) w(this);
    this.wireUsers?.tick();
  }

  private async capture(s: Snapshot): Promise<void> {
    if (s.outcome === 'success') {
      const c = this.model.findCluster(s.groupId, s.clusterName);
      const rule = this.faults.snapshotLosesCollection;
      const lose = rule && matches(rule, s.clusterName) ? rule.namespace : undefined;
      if (c) {
        const dir = snapshotDir(this.dataDir, s.id);
        rmSync(dir, { recursive: true, force: true });
        await captureCluster(await this.client(c), dir, {
          snapshotId: s.id,
          clusterName: s.clusterName,
          capturedAt: this.model.now(),
          ttl: this.ttlOf(c),
          lose: (ns) => ns === lose,
        });
      }
    }
    s.dataState = 'done';
    this.model.changed();
  }

  /** The captured snapshot a restore loads: the named one, or (point in time) the newest captured by then. */
  restoreSource(r: RestoreJob): { dir: string; manifest: SnapshotManifest } | undefined {
    const candidates =
      r.deliveryType === 'pointInTime'
        ? Object.values(this.model.state.snapshots)
            .filter((s) => s.groupId === r.groupId && s.clusterName === r.clusterName)
            .map((s) => snapshotDir(this.dataDir, s.id))
        : [snapshotDir(this.dataDir, r.snapshotId ?? '')];
    const when = ((r.pointInTimeUTCSeconds ?? r.oplogTs ?? Infinity) as number) * 1000;
    return candidates
      .filter((dir) => existsSync(join(dir, 'manifest.json')))
      .map((dir) => ({ dir, manifest: readSnapshotManifest(dir) }))
      .filter((x) => Date.parse(x.manifest.capturedAt) <= when)
      .sort((a, b) => Date.parse(b.manifest.capturedAt) - Date.parse(a.manifest.capturedAt))[0];
  }

  /** The index a restore into the cluster leaves out of the source's `namespace`, by fault. */
  lostIndex(clusterName: string, namespace: string): string | undefined {
    const rule = this.faults.restoreLosesIndex;
    return rule && matches(rule, clusterName) && rule.namespace === namespace ? rule.index : undefined;
  }

  private async restore(r: RestoreJob): Promise<void> {
    const target = this.model.findCluster(r.targetGroupId ?? '', r.targetClusterName ?? '');
    const source = r.outcome === 'success' && r.cancelledAt === undefined ? this.restoreSource(r) : undefined;
    if (target && source) {
      const client = await this.client(target);
      const ttl = this.ttlOf(target);
      await dropUserDatabases(client, ttl);
      const rule = this.faults.restoreLosesCollection;
      for (const ns of source.manifest.namespaces) {
        const name = `${ns.db}.${ns.collection}`;
        const lost = rule && matches(rule, target.name) && rule.namespace === name;
        const item: LoadItem = { source: ns, db: ns.db, collection: ns.collection, lose: lost ? rule.mode : undefined };
        item.loseIndex = this.lostIndex(target.name, name);
        await loadCollection(client, source.dir, item, { indexStrategy: 'ALL', ttl });
      }
      this.saveTtl();
    } else if (r.outcome === 'success' && r.cancelledAt === undefined) {
      r.outcome = 'failed';
    }
    r.dataState = 'done';
    this.model.changed();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + 10_000;
    while (this.busy.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([...this.clients.values()].map((c) => c.close().catch(() => undefined)));
    this.clients.clear();
    this.saveTtl();
    await this.pool.stop();
  }
}
