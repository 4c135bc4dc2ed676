// The Admin API's SCRAM database users, mirrored onto the clusters' FerretDB when the data plane
// enforces authentication. The plain password is known only between the create request and the
// moment every reachable cluster holds the user; after that only the model's scrypt hash remains,
// so users loaded from a state file, and clusters created later, never get them on the wire.
// Deletion and expiry (deleteAfterDate on the simulator's clock) are noticed by the plane's tick.
import type { MongoClient } from 'mongodb';
import type { DatabaseUser } from '../model/database-users.js';
import type { Model } from '../model/model.js';
import { clusterKey, type Cluster } from '../model/types.js';

interface Mirrored {
  user: DatabaseUser;
  /** Until the user exists on every target: then forgotten. */
  password?: string;
  targets: Cluster[];
  /** Cluster keys whose FerretDB holds the user. */
  created: Map<string, Cluster>;
  /** Clusters still holding an earlier user of the same name, dropped before this one is created. */
  stale: Map<string, Cluster>;
}

export interface WireUserHost {
  readonly model: Model;
  holds(c: Cluster): boolean;
  client(c: Cluster): Promise<MongoClient>;
  run(id: string, work: () => Promise<void>): void;
}

const USER_EXISTS = 51003;
const USER_NOT_FOUND = 11;
const userKey = (u: DatabaseUser) => `${u.groupId}/${u.databaseName}/${u.username}`;

export class WireUsers {
  private users = new Map<string, Mirrored>();

  constructor(private host: WireUserHost) {}

  /** The clusters a user may reach: its CLUSTER scopes, or every data-holding cluster of the project. */
  private targets(u: DatabaseUser): Cluster[] {
    return Object.values(this.host.model.state.clusters).filter(
      (c) =>
        c.groupId === u.groupId &&
        this.host.holds(c) &&
        (u.scopes.length === 0 || u.scopes.some((s) => s.type === 'CLUSTER' && s.name === c.name)),
    );
  }

  /** A user the Admin API just created: only SCRAM users (auth database admin) log in to FerretDB. */
  created(u: DatabaseUser, password: string | undefined): void {
    if (password === undefined || u.databaseName !== 'admin') return;
    const k = userKey(u);
    const before = this.users.get(k);
    const stale = new Map([...(before?.stale ?? []), ...(before?.created ?? [])]);
    this.users.set(k, { user: u, password, targets: this.targets(u), created: new Map(), stale });
  }

  private gone(m: Mirrored): boolean {
    const u = m.user;
    const now = this.host.model.now();
    return (
      this.host.model.state.databaseUsers?.[userKey(u)] !== u || (u.deleteAfter !== undefined && u.deleteAfter <= now)
    );
  }

  /** Per tick: drop users deleted or expired, create pending ones (one job per user name at a time). */
  tick(): void {
    for (const [k, m] of this.users) {
      const gone = this.gone(m);
      if (!gone && m.password === undefined && m.stale.size === 0) continue;
      this.host.run(`wire-user:${k}`, () => (gone ? this.dropAll(k, m) : this.createAll(m)));
    }
  }

  private async dropAll(k: string, m: Mirrored): Promise<void> {
    delete m.password;
    for (const set of [m.stale, m.created]) {
      for (const [ck, c] of set) {
        await this.drop(c, m.user.username);
        set.delete(ck);
      }
    }
    if (this.users.get(k) === m) this.users.delete(k);
  }

  private async createAll(m: Mirrored): Promise<void> {
    for (const [ck, c] of m.stale) {
      await this.drop(c, m.user.username);
      m.stale.delete(ck);
    }
    for (const c of m.targets) {
      const ck = clusterKey(c.groupId, c.name);
      if (m.created.has(ck) || !this.host.model.findCluster(c.groupId, c.name)) continue;
      await this.create(c, m.user.username, m.password!);
      m.created.set(ck, c);
    }
    delete m.password;
  }

  private async create(c: Cluster, username: string, password: string): Promise<void> {
    const admin = (await this.host.client(c)).db('admin');
    // roles stay empty: FerretDB v1.24 answers NotImplemented for any role, and enforces none.
    const command = { createUser: username, pwd: password, roles: [] };
    try {
      await admin.command(command);
    } catch (e) {
      if ((e as { code?: number }).code !== USER_EXISTS) throw e;
      await admin.command({ dropUser: username });
      await admin.command(command);
    }
  }

  private async drop(c: Cluster, username: string): Promise<void> {
    if (!this.host.model.findCluster(c.groupId, c.name)) return;
    try {
      await (await this.host.client(c)).db('admin').command({ dropUser: username });
    } catch (e) {
      if ((e as { code?: number }).code !== USER_NOT_FOUND) throw e;
    }
  }
}
