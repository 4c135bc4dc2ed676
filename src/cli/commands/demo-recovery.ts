// `demo --collections`: the demo's second story. Someone drops collections on the source after the
// pipeline's snapshot; a disaster-recovery run restores just those from that snapshot into the same
// cluster under the default suffix (an Atlas collection restore job) and verifies them; the restored
// namespaces are then read with the driver next to the counts the collections had before the drop.
import type { Client } from '@temporalio/client';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  disasterRecoveryInputSchema,
  DrSource,
  DrTarget,
  type DisasterRecoveryRequest,
  type DrReport,
} from '../../contract/index.js';
import { drWorkflowId } from '../../runs/index.js';
import { DEMO_DATA, DEMO_IDS } from '../../simulator/index.js';
import { disasterRecovery } from '../../workflows/index.js';
import { UsageError } from '../errors.js';
import { followRun } from '../live.js';
import { parseRequest } from '../parse.js';
import { countOf, countText, type DemoUsers } from './demo-data.js';
import { summarizeDr } from './summary.js';

const SOURCE = { groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet };
/** Stands in for the pipeline's snapshot while the flag is checked, before anything starts. */
const SOME_SNAPSHOT = '000000000000000000000000';

export function recoveryRequest(collections: string[], snapshotId: string, poll: number): DisasterRecoveryRequest {
  return {
    source: { kind: 'dedicated', ...SOURCE },
    what: { snapshotId },
    target: { ...SOURCE },
    collectionRestore: { collections },
    verify: {},
    polling: { initialIntervalSeconds: poll, maximumIntervalSeconds: poll * 2, backoffCoefficient: 1.5 },
    retry: { initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2, backoffCoefficient: 2 },
  };
}

/**
 * `--collections` as `dr --collections` checks it (namespace form, no duplicates, at most 100), and
 * each one a collection of the demo's data: refused with exit 2 before anything starts.
 */
export function checkDemoCollections(collections: string[]): void {
  const flagOf = Object.fromEntries(
    ['', ...collections.map((_, i) => `.${i}`)].map((s) => [`collectionRestore.collections${s}`, '--collections']),
  );
  parseRequest(
    disasterRecoveryInputSchema(),
    recoveryRequest(collections, SOME_SNAPSHOT, 1),
    flagOf,
    'demo --collections',
  );
  const known = Object.entries(DEMO_DATA).flatMap(([db, colls]) => Object.keys(colls).map((c) => `${db}.${c}`));
  const unknown = collections.find((ns) => !known.includes(ns));
  if (unknown) {
    const where = `the demo's ${DEMO_IDS.replicaSet}`;
    throw new UsageError(`--collections: '${unknown}' is not a collection of ${where}; it holds ${known.join(', ')}`);
  }
}

export interface RecoveryContext {
  client: Client;
  taskQueue: string;
  users: DemoUsers;
  poll: number;
  log: NodeJS.WriteStream;
  signal: AbortSignal;
}

/** Drops the collections, recovers them from `snapshotId`, shows them; true when all came back whole. */
export async function recoverCollections(
  ctx: RecoveryContext,
  collections: string[],
  snapshotId: string,
): Promise<{ ok: boolean; json: unknown }> {
  const say = (line: string) => ctx.log.write(`${line}\n`);
  const source = await ctx.users.client(SOURCE, 'readWrite');
  const before = new Map<string, number | undefined>();
  say(`\nCollection-level recovery: someone drops ${collections.join(', ')} on ${SOURCE.clusterName}…`);
  for (const ns of collections) {
    before.set(ns, await countOf(source, ns));
    const dot = ns.indexOf('.');
    await source
      .db(ns.slice(0, dot))
      .collection(ns.slice(dot + 1))
      .drop();
    say(`  dropped ${ns} (it held ${countText(before.get(ns))} documents)`);
  }
  const input = recoveryRequest(collections, snapshotId, ctx.poll);
  const handle = await ctx.client.workflow.start(disasterRecovery, {
    taskQueue: ctx.taskQueue,
    workflowId: drWorkflowId(SOURCE, SOURCE),
    args: [input],
    typedSearchAttributes: [
      { key: AtlasProject, value: SOURCE.groupId },
      { key: AtlasCluster, value: SOURCE.clusterName },
      { key: BackupPhase, value: 'starting' },
      { key: DrSource, value: `dedicated:${SOURCE.groupId}/${SOURCE.clusterName}` },
      { key: DrTarget, value: `${SOURCE.groupId}/${SOURCE.clusterName}` },
    ],
  });
  say(`Started ${handle.workflowId}: restore ${collections.join(', ')} from snapshot ${snapshotId}, verified\n`);
  const outcome = await followRun(ctx.client, handle, { out: ctx.log, signal: ctx.signal });
  const report = outcome.result as DrReport | undefined;
  say(`\n${summarizeDr(outcome.status, report, outcome.failure)}`);
  const json = { workflowId: handle.workflowId, executionStatus: outcome.status.executionStatus, report };
  if (outcome.stopped || report?.outcome !== 'completed') return { ok: false, json };
  say(`\nIn ${SOURCE.clusterName} after the recovery, read with the mongodb driver:`);
  const restored = report.collectionRestore?.collections ?? [];
  let ok = restored.length === collections.length;
  for (const c of restored) {
    const was = before.get(c.sourceNamespace);
    const now = await countOf(source, c.targetNamespace);
    const same = now !== undefined && now === was;
    ok &&= same;
    const counts = `before the drop ${countText(was)}  restored ${countText(now)}`;
    say(`  ${c.sourceNamespace} → ${c.targetNamespace}  ${counts}  ${same ? '✓' : '✗'}`);
  }
  return { ok, json };
}
