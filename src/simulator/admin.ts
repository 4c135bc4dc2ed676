// Typed client of the simulator's admin API (/__simulator). Used by tests, benches and the demo.
import type { FaultConfig } from './options.js';
import type { FailRule } from './model/model.js';
import type { ScheduledSnapshotOptions } from './model/snapshots.js';
import type { Cluster, ExportBucket, Snapshot } from './model/types.js';
import type { RequestLogEntry } from './http/server.js';
import type { SimOperationId as OperationId } from './http/sim-catalog.js';
import type { SimResources } from './http/admin-routes.js';

export type { SimResources };

export type Counters = Partial<Record<OperationId | 'oauthToken', number>>;

// The seed bodies name fields of the model's records, so their types are cut from those records.
type SeedCluster = Pick<Cluster, 'groupId' | 'name' | 'kind'> & Partial<Pick<Cluster, 'shards' | 'paused' | 'tags'>>;
type SeedBucket = Pick<ExportBucket, 'groupId'> &
  Partial<Pick<ExportBucket, 'id' | 'bucketName' | 'cloudProvider' | 'iamRoleId'>>;
type SeedSnapshot = Pick<Snapshot, 'groupId' | 'clusterName'> & ScheduledSnapshotOptions;
type ClusterState = Pick<Cluster, 'groupId' | 'name'> & { paused?: boolean; stateName?: string };

export class SimulatorAdmin {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__simulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { detail?: string };
    if (!res.ok) throw new Error(`simulator admin ${method} ${path} failed (${res.status}): ${json.detail ?? ''}`);
    return json;
  }

  seedProject(p: { id?: string; name?: string } = {}): Promise<{ id: string }> {
    return this.call('POST', '/projects', p);
  }
  seedCluster(c: SeedCluster): Promise<{ id: string }> {
    return this.call('POST', '/clusters', c);
  }
  seedBucket(b: SeedBucket): Promise<{ id: string }> {
    return this.call('POST', '/buckets', b);
  }
  /** A completed (or failed) scheduled snapshot, `ageMs` old: the DR "latest snapshot" source. */
  addScheduledSnapshot(s: SeedSnapshot): Promise<{ id: string }> {
    return this.call('POST', '/snapshots/scheduled', s);
  }
  setClusterState(s: ClusterState): Promise<unknown> {
    return this.call('POST', '/clusters/state', s);
  }
  /** The next matching snapshot/export/restore created will end failed. */
  failNext(r: FailRule): Promise<unknown> {
    return this.call('POST', '/fail-next', r);
  }
  setFaults(config: FaultConfig): Promise<unknown> {
    return this.call('PUT', '/faults', config);
  }
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/faults');
  }
  counters(): Promise<Counters> {
    return this.call('GET', '/counters');
  }
  requestLog(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/requests');
  }
  resetObservations(): Promise<unknown> {
    return this.call('POST', '/observations/reset');
  }
  resources(): Promise<SimResources> {
    return this.call('GET', '/resources');
  }
  revokeTokens(): Promise<unknown> {
    return this.call('POST', '/tokens/revoke');
  }
  expireNonces(): Promise<unknown> {
    return this.call('POST', '/nonces/expire');
  }
  nonceCount(): Promise<{ count: number }> {
    return this.call('GET', '/nonces');
  }
  advanceClock(ms: number): Promise<{ nowMs: number }> {
    return this.call('POST', '/clock/advance', { ms });
  }
  reset(): Promise<unknown> {
    return this.call('POST', '/reset');
  }
}
