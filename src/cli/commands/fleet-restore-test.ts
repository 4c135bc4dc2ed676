// `fleet restore-test`: one restoreTest per cluster of an explicit list, each into its project's
// scratch cluster. A client-side fan-out: every request is checked before the first start, the ids
// share one start time (restore-test-<cluster>-<groupId>-<UTC time>), and --wait waits for them all.
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { restoreTestRunWorkflowId, type RestoreTestInput, type RestoreTestReport } from '../../contract/index.js';
import { closedRunOutcome } from '../../runs/outcome.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { addRequestFlags, flag, type RequestFlag } from '../parse.js';
import { clusterRef } from './fleet-request.js';
import { buildRestoreTestRequest, RESTORE_TEST_FLAGS, startRestoreTest } from './restore-test.js';

type Ref = { groupId: string; clusterName: string };
interface FleetTestFlags {
  cluster?: Ref[];
  scratch?: Ref[];
  overwrite?: string[];
  wait?: boolean;
  json?: boolean;
  [flag: string]: unknown;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const PER_RUN = new Set([
  '--source-project',
  '--source-cluster',
  '--scratch-project',
  '--scratch-cluster',
  '--overwrite',
]);
const FLAGS: RequestFlag[] = [
  flag('--cluster <groupId/name>', 'test the backups of this cluster (repeatable)', undefined, clusterRef),
  flag(
    '--scratch <groupId/name>',
    "a project's scratch cluster, restored into (repeatable: one per project)",
    undefined,
    clusterRef,
  ),
  flag(
    '--overwrite <scratch>',
    'consent: name each scratch cluster that is overwritten (repeatable)',
    undefined,
    collect,
  ),
  ...RESTORE_TEST_FLAGS.filter((f) => !PER_RUN.has(/--[\w-]+/.exec(f.flags)![0])),
];

/** Every cluster's request, each checked by the workflow's schema, before anything starts. */
export function buildFleetRestoreTests(f: FleetTestFlags): RestoreTestInput[] {
  if (!f.cluster?.length) throw new UsageError('--cluster is required: the clusters whose backups are tested');
  const scratchOf = new Map<string, Ref>();
  for (const s of f.scratch ?? []) {
    if (scratchOf.has(s.groupId)) throw new UsageError(`--scratch: project ${s.groupId} is given two scratch clusters`);
    scratchOf.set(s.groupId, s);
  }
  return f.cluster.map((c) => {
    const scratch = scratchOf.get(c.groupId);
    if (!scratch)
      throw new UsageError(
        `--scratch is required for project ${c.groupId} (cluster ${c.clusterName}): <groupId>/<scratch>`,
      );
    const consent = f.overwrite?.includes(scratch.clusterName) ? scratch.clusterName : undefined;
    return buildRestoreTestRequest({
      ...f,
      sourceProject: c.groupId,
      sourceCluster: c.clusterName,
      scratchProject: scratch.groupId,
      scratchCluster: scratch.clusterName,
      overwrite: consent,
    });
  });
}

async function waitAll(client: Client, ids: string[], json: boolean): Promise<number> {
  const rows = await Promise.all(
    ids.map(async (workflowId) => {
      const o = await closedRunOutcome(client.workflow.getHandle(workflowId));
      const r = o.result as RestoreTestReport | undefined;
      const outcome = r?.outcome ?? (o.failure ? 'failed' : 'unknown');
      const { rtoSeconds, snapshotAgeSeconds } = r ?? {};
      return { workflowId, outcome, rtoSeconds, snapshotAgeSeconds, failure: o.failureType };
    }),
  );
  for (const row of rows)
    process.stdout.write(
      json
        ? `${JSON.stringify(row)}\n`
        : `${row.workflowId}  ${row.outcome}${row.rtoSeconds !== undefined ? `  rto ${row.rtoSeconds}s` : ''}` +
            `${row.failure ? `  ${row.failure}` : ''}\n`,
    );
  return rows.every((r) => r.outcome === 'completed') ? EXIT_OK : EXIT_RUN_FAILED;
}

const P = '65f1a0c0a1b2c3d4e5f60001';
const EXAMPLE = `
Example:
  $ atlas-backup fleet restore-test --cluster ${P}/orders --cluster ${P}/billing \\
      --scratch ${P}/restore-scratch --overwrite restore-scratch --random-within-days 7 --wait

Each cluster's test restores into the scratch cluster of its project, so tests of one project wait on
each other's restore into the same scratch cluster (Atlas runs one restore into a cluster at a time).`;

export function registerFleetRestoreTest(fleet: Command): void {
  const cmd = fleet
    .command('restore-test')
    .description("a restore test per cluster, into its project's scratch cluster");
  addRequestFlags(cmd, FLAGS)
    .option('-w, --wait', 'wait for every test (exit 1 unless all verified)')
    .option('--json', 'JSON lines')
    .addHelpText('after', EXAMPLE)
    .action(
      act(async (flags: FleetTestFlags, c: Command) => {
        const g = c.optsWithGlobals<GlobalFlags>();
        const inputs = buildFleetRestoreTests(flags);
        const at = new Date();
        return withClient(g, async ({ client }) => {
          const ids: string[] = [];
          for (const input of inputs) {
            const id = restoreTestRunWorkflowId(input.source.groupId, input.source.clusterName, at);
            await startRestoreTest(client, input, taskQueueOf(g), id);
            ids.push(id);
          }
          if (flags.wait) return waitAll(client, ids, !!flags.json);
          for (const id of ids)
            process.stdout.write(flags.json ? `${JSON.stringify({ workflowId: id })}\n` : `${id}\n`);
          return EXIT_OK;
        });
      }),
    );
}
