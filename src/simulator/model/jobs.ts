// Storing, listing and fetching the jobs (and snapshots) of one cluster or instance, Atlas's way.
import { SimError } from './errors.js';
import type { Model } from './model.js';
import type { Cluster } from './types.js';

/** Stores a new item under its id and saves the state. */
export function stored<T extends { id: string }>(m: Model, all: Record<string, T>, x: T): T {
  all[x.id] = x;
  m.changed();
  return x;
}

/** The items `belongs` picks, newest first, as Atlas lists them. */
export function newestFirst<T extends { createdAt: number }>(all: Record<string, T>, belongs: (x: T) => boolean): T[] {
  return Object.values(all)
    .filter(belongs)
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Item `id` if `belongs` accepts it: one that exists under another cluster is Atlas's 404 all the same. */
export function ownItem<T>(
  all: Record<string, T>,
  id: string,
  belongs: (x: T) => boolean,
  notFound: { errorCode: string; detail: string },
): T {
  const x = all[id];
  if (!x || !belongs(x)) throw new SimError(404, notFound.errorCode, notFound.detail, [id]);
  return x;
}

/** One kind of job addressed as /groups/{groupId}/<cluster API>/{name}/backup/<jobs>[/{id}]. */
export interface JobScope<T> {
  jobs: (m: Model) => Record<string, T>;
  /** Resolves the cluster through the API the jobs are served under (its 404/400 when it is the wrong kind). */
  cluster: (m: Model, groupId: string, name: string) => Cluster;
  nameOf: (job: T) => string;
  notFound: (id: string, name: string) => { errorCode: string; detail: string };
}

/** The list and get operations of one kind of job: the cluster is checked before any job is looked at. */
export function clusterJobs<T extends { groupId: string; createdAt: number }>(scope: JobScope<T>) {
  const of = (m: Model, groupId: string, name: string) => {
    scope.cluster(m, groupId, name);
    return (j: T) => j.groupId === groupId && scope.nameOf(j) === name;
  };
  return {
    list: (m: Model, groupId: string, name: string): T[] => newestFirst(scope.jobs(m), of(m, groupId, name)),
    get: (m: Model, groupId: string, name: string, id: string): T =>
      ownItem(scope.jobs(m), id, of(m, groupId, name), scope.notFound(id, name)),
  };
}
