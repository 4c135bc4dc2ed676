// The admin HTTP API under /__simulator: seeding, faults, counters, request log, clock, reset.
// Local tool only: no Atlas auth on it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../atlas/catalog.js';
import type { Model, FailTarget } from '../model/model.js';
import { addScheduledSnapshot, snapshotStatus } from '../model/snapshots.js';
import { clusterKey, type ClusterKind, type CloudProvider } from '../model/types.js';
import { createBucket } from '../model/exports.js';
import { SimError } from '../model/errors.js';
import type { Authenticator } from './auth.js';
import type { FaultInjector } from './faults.js';
import type { SimulatorHttp } from './server.js';
import { newId } from '../model/ids.js';

export interface AdminDeps {
  model: Model;
  auth: Authenticator;
  faults: FaultInjector;
  http: () => SimulatorHttp;
}

const KINDS: ClusterKind[] = ['replicaSet', 'sharded', 'serverless', 'flex'];
const TARGETS: FailTarget[] = ['snapshot', 'export', 'restore', 'flexRestore'];

function bad(field: string, rule: string): never {
  throw new SimError(400, 'VALIDATION_ERROR', `${field}: ${rule}`, [field]);
}

type Routes = Record<string, (b: Record<string, unknown>, url: URL) => unknown>;

/** Routes that seed state: projects, clusters and their state, buckets, scheduled snapshots. */
function seedRoutes(d: AdminDeps): Routes {
  return {
    'POST /projects': (b) => {
      if (b.id !== undefined && (typeof b.id !== 'string' || !ID_PATTERN.test(b.id)))
        bad('id', 'must match ^([a-f0-9]{24})$');
      return { id: d.model.addProject(b.id as string | undefined, b.name as string | undefined) };
    },
    'POST /clusters': (b) => {
      if (typeof b.groupId !== 'string') bad('groupId', 'is required');
      if (typeof b.name !== 'string' || !CLUSTER_NAME_PATTERN.test(b.name))
        bad('name', 'must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$');
      if (!KINDS.includes(b.kind as ClusterKind)) bad('kind', `must be one of ${KINDS.join(', ')}`);
      const c = d.model.addCluster(b.groupId, b.name, b.kind as ClusterKind, {
        shards: b.shards as number | undefined,
        paused: b.paused as boolean | undefined,
        tags: b.tags as { key: string; value: string }[] | undefined,
      });
      return { id: c.id, groupId: c.groupId, name: c.name, kind: c.kind };
    },
    'POST /clusters/state': (b) => {
      const c = d.model.state.clusters[clusterKey(String(b.groupId), String(b.name))];
      if (!c) throw new SimError(404, 'CLUSTER_NOT_FOUND', `No cluster ${String(b.name)} in ${String(b.groupId)}`);
      if (typeof b.paused === 'boolean') c.paused = b.paused;
      if (typeof b.stateName === 'string') c.stateOverride = b.stateName === 'IDLE' ? undefined : b.stateName;
      d.model.changed();
      return { ok: true };
    },
    'POST /buckets': (b) => {
      const provider = (b.cloudProvider as CloudProvider | undefined) ?? 'AWS';
      const body = {
        bucketName: b.bucketName ?? `sim-export-${newId().slice(-8)}`,
        cloudProvider: provider,
        ...(provider === 'AWS' ? { iamRoleId: b.iamRoleId ?? newId() } : { roleId: b.roleId ?? newId() }),
        ...(provider === 'AZURE'
          ? {
              serviceUrl: b.serviceUrl ?? 'https://simaccount.blob.core.windows.net/export',
              tenantId: b.tenantId ?? '00000000-0000-4000-8000-000000000000',
            }
          : {}),
      };
      const bucket = createBucket(d.model, String(b.groupId), body);
      if (typeof b.id === 'string' && ID_PATTERN.test(b.id)) {
        delete d.model.state.buckets[bucket.id];
        bucket.id = b.id;
        d.model.state.buckets[b.id] = bucket;
      }
      return { id: bucket.id };
    },
    'POST /snapshots/scheduled': (b) => {
      const c = d.model.state.clusters[clusterKey(String(b.groupId), String(b.clusterName))];
      if (!c)
        throw new SimError(404, 'CLUSTER_NOT_FOUND', `No cluster ${String(b.clusterName)} in ${String(b.groupId)}`);
      const s = addScheduledSnapshot(d.model, c, {
        ageMs: b.ageMs as number | undefined,
        frequencyType: b.frequencyType as string | undefined,
        description: b.description as string | undefined,
        status: b.status as 'completed' | 'failed' | undefined,
        snapshotType: b.snapshotType === 'onDemand' ? 'onDemand' : undefined,
      });
      return { id: s.id };
    },
  };
}

/** Routes that steer and observe a running simulator: failures, faults, counters, clock, reset. */
function controlRoutes(d: AdminDeps): Routes {
  return {
    'GET /health': () => ({ ok: true }),
    'POST /fail-next': (b) => {
      if (!TARGETS.includes(b.target as FailTarget)) bad('target', `must be one of ${TARGETS.join(', ')}`);
      d.model.failNext({
        target: b.target as FailTarget,
        groupId: b.groupId as string | undefined,
        clusterName: b.clusterName as string | undefined,
        reason: b.reason as string | undefined,
      });
      return { ok: true };
    },
    'PUT /faults': (b) => {
      try {
        d.faults.set(b);
      } catch (e) {
        bad('faults', (e as Error).message);
      }
      return { ok: true };
    },
    'GET /faults': () => d.faults.get(),
    'DELETE /faults': () => {
      d.faults.clear();
      return { ok: true };
    },
    'GET /counters': () => d.http().counters,
    'GET /requests': () => d.http().log,
    'POST /observations/reset': () => {
      d.http().resetObservations();
      return { ok: true };
    },
    'GET /resources': () => resources(d.model),
    'POST /tokens/revoke': () => {
      d.auth.revokeTokens();
      return { ok: true };
    },
    'POST /nonces/expire': () => {
      d.auth.expireNonces();
      return { ok: true };
    },
    'GET /nonces': () => ({ count: d.auth.nonceCount }),
    'POST /clock/advance': (b) => {
      if (typeof b.ms !== 'number' || b.ms < 0) bad('ms', 'must be a number >= 0');
      d.model.advanceClock(b.ms);
      return { nowMs: d.model.now() };
    },
    'POST /reset': () => {
      d.model.reset();
      d.auth.reset();
      d.faults.clear();
      d.http().resetObservations();
      return { ok: true };
    },
  };
}

export function adminHandler(d: AdminDeps) {
  const routes: Routes = { ...seedRoutes(d), ...controlRoutes(d) };

  return (req: IncomingMessage, res: ServerResponse, url: URL, raw: string): void => {
    const key = `${req.method} ${url.pathname.slice('/__simulator'.length) || '/'}`;
    const route = routes[key];
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (!route) return reply(404, new SimError(404, 'RESOURCE_NOT_FOUND', `No admin route ${key}.`).body());
    try {
      const body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
      reply(200, route(body, url));
    } catch (e) {
      if (e instanceof SimError) return reply(e.status, e.body());
      reply(400, new SimError(400, 'VALIDATION_ERROR', (e as Error).message).body());
    }
  };
}

/** What GET /__simulator/resources answers (the typed admin client's view of it). */
export type SimResources = ReturnType<typeof resources>;

/** Everything in the state, with derived statuses, grouped for tests to count. */
function resources(m: Model) {
  const s = m.state;
  return {
    nowMs: m.now(),
    projects: Object.values(s.projects),
    clusters: Object.values(s.clusters).map((c) => ({ ...c, stateName: m.clusterStateName(c) })),
    snapshots: Object.values(s.snapshots).map((x) => ({ ...x, status: snapshotStatus(x, m.now()) })),
    buckets: Object.values(s.buckets),
    exports: Object.values(s.exports),
    restoreJobs: Object.values(s.restores),
    flexRestoreJobs: Object.values(s.flexRestores),
  };
}
