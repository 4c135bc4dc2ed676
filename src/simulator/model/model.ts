// The state model: projects, clusters and the clock. Resource operations live in snapshots.ts,
// exports.ts and restores.ts; they take a Model and throw SimError with Atlas's codes.
import { DEFAULT_DURATIONS, type Durations } from '../options.js';
import { DatabaseUsers, type DatabaseUser } from './database-users.js';
import { SimError } from './errors.js';
import { newId } from './ids.js';
import {
  clusterKey,
  emptyState,
  type Cluster,
  type ClusterKind,
  type CloudProvider,
  type ExportJob,
  type SimState,
} from './types.js';

/** Atlas's 400 for a cluster of one kind addressed through the API of another kind. */
const wrongApi = (code: string, message: string, name: string) => new SimError(400, code, message, [name]);

export type FailTarget = 'snapshot' | 'export' | 'restore' | 'flexRestore';
export interface FailRule {
  target: FailTarget;
  groupId?: string;
  clusterName?: string;
  reason?: string;
}

/** Where jobs meet the data plane's deliveries (exports to S3, download archives); absent without data. */
export interface DeliveryHooks {
  hasCapture(snapshotId: string): boolean;
  /** A new export job: if its snapshot has data, the job's files start to be written. */
  exportCreated(job: ExportJob): void;
  /** A download restore's archive URL, or undefined when the snapshot has no data. */
  downloadUrl(restoreJobId: string, snapshotId: string | undefined, fileName: string, base: string): string | undefined;
}

/** What the model asks of the data plane (src/simulator/data), when one runs. */
export interface DataHooks {
  /** Where captured snapshots live (data/snapshot-files.ts). */
  readonly dataDir: string;
  /** Whether this cluster's jobs move real data (their completion then waits on it). */
  holds(c: Cluster): boolean;
  /** The cluster's `mongodb://` connection string, once its endpoint listens. */
  connectionString(c: Cluster): string | undefined;
  /** A database user was created (the plain password is handed over once, here, and nowhere else). */
  userCreated?(u: DatabaseUser, password: string | undefined): void;
}

export class Model {
  state: SimState = emptyState();
  delivery?: DeliveryHooks;
  data?: DataHooks;
  /** Pending "make the next X fail" rules, consumed in order by the next matching create. */
  private failRules: FailRule[] = [];
  onChange: () => void = () => {};
  /** Database users, for the Atlas API and for the data plane's authentication. */
  readonly databaseUsers = new DatabaseUsers(this);

  constructor(
    private durations: Durations = DEFAULT_DURATIONS,
    private timeScale = 1,
    private clusterDurations: Record<string, Partial<Durations>> = {},
  ) {}

  now(): number {
    return Date.now() + this.state.clockOffsetMs;
  }
  advanceClock(ms: number): void {
    this.state.clockOffsetMs += ms;
    this.changed();
  }

  /**
   * A configured duration (the cluster's own, if it has one), scaled; fixed on each job at creation
   * so later changes don't move it.
   */
  duration(name: Exclude<keyof Durations, 'exportTotalCollections'>, clusterName?: string): number {
    return Math.max(0, Math.round(this.configured(name, clusterName) * this.timeScale));
  }
  totalCollections(clusterName?: string): number {
    return Math.max(1, Math.round(this.configured('exportTotalCollections', clusterName)));
  }
  private configured(name: keyof Durations, clusterName: string | undefined): number {
    const own = clusterName === undefined ? undefined : this.clusterDurations[clusterName]?.[name];
    return own ?? this.durations[name];
  }

  changed(): void {
    this.onChange();
  }

  reset(): void {
    this.state = emptyState();
    this.failRules = [];
    this.changed();
  }

  failNext(rule: FailRule): void {
    this.failRules.push(rule);
  }
  /** Consume a matching fail rule, if any; returns its reason. */
  takeFailure(target: FailTarget, groupId: string, clusterName: string): string | undefined {
    const i = this.failRules.findIndex(
      (r) =>
        r.target === target &&
        (!r.groupId || r.groupId === groupId) &&
        (!r.clusterName || r.clusterName === clusterName),
    );
    if (i < 0) return undefined;
    const [rule] = this.failRules.splice(i, 1);
    return rule?.reason ?? 'Injected failure';
  }

  // ---- projects and clusters ----
  addProject(id: string = newId(), name = `project-${id.slice(-6)}`): string {
    this.state.projects[id] = { id, name, createdAt: this.now() };
    this.changed();
    return id;
  }

  addCluster(
    groupId: string,
    name: string,
    kind: ClusterKind,
    opts: {
      shards?: number;
      paused?: boolean;
      provider?: CloudProvider;
      tags?: Cluster['tags'];
      mongoDBVersion?: string;
    } = {},
  ): Cluster {
    this.project(groupId);
    const cluster: Cluster = {
      id: newId(),
      groupId,
      name,
      kind,
      shards: kind === 'sharded' ? Math.max(1, opts.shards ?? 2) : 1,
      paused: opts.paused ?? false,
      createdAt: this.now(),
      mongoDBVersion: opts.mongoDBVersion ?? '8.0.4',
      provider: opts.provider ?? 'AWS',
      ...(opts.tags ? { tags: opts.tags } : {}),
    };
    this.state.clusters[clusterKey(groupId, name)] = cluster;
    this.changed();
    return cluster;
  }

  project(groupId: string) {
    const p = this.state.projects[groupId];
    if (!p) throw new SimError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]);
    return p;
  }

  findCluster(groupId: string, name: string): Cluster | undefined {
    return this.state.clusters[clusterKey(groupId, name)];
  }

  /** A cluster of any kind: Atlas's 404 for a missing project first, then for a missing cluster. */
  existingCluster(groupId: string, name: string): Cluster {
    this.project(groupId);
    const c = this.findCluster(groupId, name);
    if (!c)
      throw new SimError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${name} exists in group ${groupId}.`, [
        name,
        groupId,
      ]);
    return c;
  }

  /** A cluster addressed through the dedicated-cluster API (replica set or sharded). */
  dedicatedCluster(groupId: string, name: string): Cluster {
    const c = this.existingCluster(groupId, name);
    if (c.kind === 'flex')
      throw wrongApi(
        'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
        `Cannot use the Flex cluster ${name} in the Cluster API.`,
        name,
      );
    if (c.kind === 'serverless')
      throw wrongApi(
        'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API',
        `Cannot use the serverless instance ${name} in the Cluster API.`,
        name,
      );
    return c;
  }

  serverlessInstance(groupId: string, name: string): Cluster {
    this.project(groupId);
    const c = this.findCluster(groupId, name);
    if (!c || c.kind === 'flex')
      throw new SimError(
        404,
        'SERVERLESS_INSTANCE_NOT_FOUND',
        `No serverless instance with name ${name} exists in group ${groupId}.`,
        [name, groupId],
      );
    if (c.kind !== 'serverless')
      throw wrongApi(
        'CANNOT_USE_CLUSTER_IN_SERVERLESS_INSTANCE_API',
        `Cannot use the cluster ${name} in the serverless instance API.`,
        name,
      );
    return c;
  }

  flexCluster(groupId: string, name: string): Cluster {
    const c = this.existingCluster(groupId, name);
    if (c.kind !== 'flex')
      throw wrongApi(
        'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
        `Cannot use the non-Flex cluster ${name} in the Flex API.`,
        name,
      );
    return c;
  }

  /** getCluster: any kind except flex/serverless answers; restores in progress show as UPDATING. */
  clusterStateName(c: Cluster): string {
    const now = this.now();
    const restoring = Object.values(this.state.restores).some(
      (r) =>
        r.deliveryType !== 'download' &&
        r.targetGroupId === c.groupId &&
        r.targetClusterName === c.name &&
        restoreRunning(r, now),
    );
    if (restoring) return 'UPDATING';
    if (c.readyAt !== undefined && now < c.readyAt) return 'CREATING';
    return c.stateOverride ?? 'IDLE';
  }
}

export function restoreRunning(
  r: { createdAt: number; durationMs: number; cancelledAt?: number; dataState?: string },
  now: number,
): boolean {
  return r.cancelledAt === undefined && (now < r.createdAt + r.durationMs || r.dataState === 'pending');
}
