// Typed client of the simulator's admin API (/__simulator). Used by tests, benches and the demo.
import type { FaultConfig } from './options.js';
import type { FailTarget } from './model/model.js';
import type { ClusterKind, CloudProvider } from './model/types.js';
import type { RequestLogEntry } from './http/server.js';
import type { OperationId } from '../atlas/catalog.js';

export type Counters = Partial<Record<OperationId | 'oauthToken', number>>;

export interface SimResources {
  nowMs: number;
  projects: { id: string; name: string }[];
  clusters: { id: string; groupId: string; name: string; kind: ClusterKind; paused: boolean; stateName: string }[];
  snapshots: {
    id: string;
    groupId: string;
    clusterName: string;
    snapshotType: string;
    status: string;
    description?: string;
    deleted?: boolean;
    createdAt: number;
  }[];
  buckets: { id: string; groupId: string; bucketName: string; cloudProvider: CloudProvider }[];
  exports: {
    id: string;
    groupId: string;
    clusterName: string;
    snapshotId: string;
    exportBucketId: string;
    customData: { key: string; value: string }[];
  }[];
  restoreJobs: {
    id: string;
    groupId: string;
    clusterName: string;
    deliveryType: string;
    targetGroupId?: string;
    targetClusterName?: string;
  }[];
  flexRestoreJobs: { id: string; groupId: string; instanceName: string; deliveryType: string }[];
}

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
  seedCluster(c: {
    groupId: string;
    name: string;
    kind: ClusterKind;
    shards?: number;
    paused?: boolean;
  }): Promise<{ id: string }> {
    return this.call('POST', '/clusters', c);
  }
  seedBucket(b: {
    groupId: string;
    id?: string;
    bucketName?: string;
    cloudProvider?: CloudProvider;
    iamRoleId?: string;
  }): Promise<{ id: string }> {
    return this.call('POST', '/buckets', b);
  }
  /** A completed (or failed) scheduled snapshot, `ageMs` old: the DR "latest snapshot" source. */
  addScheduledSnapshot(s: {
    groupId: string;
    clusterName: string;
    ageMs?: number;
    frequencyType?: string;
    description?: string;
    status?: 'completed' | 'failed';
  }): Promise<{ id: string }> {
    return this.call('POST', '/snapshots/scheduled', s);
  }
  setClusterState(s: { groupId: string; name: string; paused?: boolean; stateName?: string }): Promise<unknown> {
    return this.call('POST', '/clusters/state', s);
  }
  /** The next matching snapshot/export/restore created will end failed. */
  failNext(r: { target: FailTarget; groupId?: string; clusterName?: string; reason?: string }): Promise<unknown> {
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
