// Atlas URL routing from the shared catalogue, kept apart from handling (as moto keeps its urls.py).
import FindMyWay from 'find-my-way';
import { CLUSTER_NAME_PATTERN, ID_PATTERN, type HttpMethod } from '../../atlas/catalog.js';
import { SimError } from '../model/errors.js';
import {
  simCatalog as catalog,
  simOperationIds as operationIds,
  type SimOperationId as OperationId,
} from './sim-catalog.js';

export type Route =
  | { kind: 'operation'; operationId: OperationId; params: Record<string, string> }
  | { kind: 'notAllowed'; allow: HttpMethod[] }
  | { kind: 'notFound' };

const METHODS: HttpMethod[] = ['GET', 'POST', 'PATCH', 'DELETE'];
const ID_PARAMS = new Set(['groupId', 'snapshotId', 'exportId', 'exportBucketId', 'restoreJobId', 'jobId']);
/**
 * Names Atlas looks up as given (a database user's names, an endpoint set id, database, collection
 * and namespace names): unknown → 404, not 400.
 */
const FREE_PARAMS = new Set(['databaseName', 'username', 'endpointSetId', 'collectionName', 'sourceNamespace']);

export class AtlasRouter {
  private router = FindMyWay({ ignoreTrailingSlash: true });

  constructor() {
    for (const id of operationIds) {
      const op = catalog[id];
      this.router.on(op.method, op.path.replace(/\{(\w+)\}/g, ':$1'), () => {}, { operationId: id });
    }
  }

  route(method: string, path: string): Route {
    const matches = METHODS.map((m) => [m, this.router.find(m, path)] as const).filter(([, f]) => f !== null);
    const params = (f: (typeof matches)[number][1]) => Object.keys(f!.params).length;
    // A static segment beats a parameter across methods too: DELETE …/snapshots/shardedClusters is
    // the list path with the wrong method (405), not a snapshot whose id is "shardedClusters".
    const fewest = Math.min(...matches.map(([, f]) => params(f)));
    const own = matches.find(([m]) => m === method)?.[1];
    if (own && params(own) === fewest) {
      return {
        kind: 'operation',
        operationId: (own.store as { operationId: OperationId }).operationId,
        params: own.params as Record<string, string>,
      };
    }
    const allow = matches.filter(([, f]) => params(f) === fewest).map(([m]) => m);
    return allow.length ? { kind: 'notAllowed', allow } : { kind: 'notFound' };
  }
}

/** find-my-way has already percent-decoded the values once; decoding again would turn %25 into a crash. */
export function validateParams(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    if (FREE_PARAMS.has(name)) continue;
    const [re, label] = ID_PARAMS.has(name)
      ? [ID_PATTERN, '^([a-f0-9]{24})$']
      : [CLUSTER_NAME_PATTERN, '^[a-zA-Z0-9][a-zA-Z0-9-]*$'];
    if (!re.test(value)) {
      throw new SimError(
        400,
        'VALIDATION_ERROR',
        `Invalid path parameter ${name}: ${JSON.stringify(value)} must match ${label}.`,
        [name],
        [{ field: name, description: `must match ${label}` }],
      );
    }
  }
}
