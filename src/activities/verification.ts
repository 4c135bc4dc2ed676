// Data verification of a restored target, inside one attempt: a temporary read-only database user
// (temp-user.ts: made, used and deleted in this attempt; the password never leaves it) reads the
// target, which is compared with the snapshot's namespaces, the source's manifest and canary (when
// the pipeline captured them) and the validation queries.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AtlasClient } from '../atlas/index.js';
import {
  summaryOf,
  VERIFICATION_FAILED,
  VERDICT_TABLE_LIMIT,
  type ClusterRef,
  type VerificationReport,
  type VerifiedData,
  type VerifyRestoredDataInput,
} from '../contract/index.js';
import { renderVerdicts, SYSTEM_DATABASES, verify } from '../data/index.js';
import { AttemptCalls } from './calls.js';
import { READ_ONLY, withTemporaryUser } from './temp-user.js';

export { LOGIN_TRIES, verifyUserPrefix } from './temp-user.js';

/** `db.collection` of every collection the snapshot holds (Atlas's snapshot browsing). */
async function snapshotNamespaces(calls: AttemptCalls, s: ClusterRef & { snapshotId: string }): Promise<string[]> {
  const path = { groupId: s.groupId, clusterName: s.clusterName, snapshotId: s.snapshotId };
  const out: string[] = [];
  for (const db of await calls.all('listBackupSnapshotDatabases', path)) {
    if (SYSTEM_DATABASES.includes(db.name)) continue;
    for (const c of await calls.all('listSnapshotDatabaseCollections', { ...path, databaseName: db.name }))
      out.push(`${db.name}.${c.name}`);
  }
  return out;
}

const where = (c: ClusterRef) => `cluster '${c.clusterName}' in project ${c.groupId}`;

/** VerificationFailed with the table in its message and the summary (verdicts included) in its details. */
export function verificationFailed(what: string, report: VerificationReport): ApplicationFailure {
  const table = renderVerdicts(report);
  const shown = table.length > VERDICT_TABLE_LIMIT ? `${table.slice(0, VERDICT_TABLE_LIMIT)}\n…` : table;
  return ApplicationFailure.create({
    message: `${what} did not verify:\n${shown}`,
    type: VERIFICATION_FAILED,
    nonRetryable: true,
    details: [summaryOf(report)],
  });
}

/** The verdicts of a target, read as `client`: namespaces, manifest, canary, queries. */
function checkTarget(calls: AttemptCalls, input: VerifyRestoredDataInput) {
  return async (client: Parameters<typeof verify>[0]): Promise<VerificationReport> => {
    const { verify: spec, manifest, canary, restored } = input;
    // A collection restore checks what it restored, under the names it was restored as.
    const namespaces = restored
      ? restored.map((r) => r.sourceNamespace)
      : input.snapshot
        ? await snapshotNamespaces(calls, input.snapshot)
        : [];
    const restoredAs = Object.fromEntries((restored ?? []).map((r) => [r.sourceNamespace, r.targetNamespace]));
    return verify(client, {
      snapshotNamespaces: namespaces,
      restoredAs,
      ...(manifest ? { manifest } : {}),
      ...(canary ? { canary } : {}),
      queries: spec.queries ?? [],
      options: {
        ...(spec.countTolerance === undefined ? {} : { countTolerance: spec.countTolerance }),
        canary: canary !== undefined,
      },
    });
  };
}

export function verificationActivities(client: AtlasClient) {
  return {
    async verifyRestoredData(input: VerifyRestoredDataInput): Promise<VerifiedData> {
      const { target } = input;
      const calls = new AttemptCalls(client, target);
      const report = await withTemporaryUser(
        calls,
        {
          cluster: target,
          purpose: 'verify',
          roles: READ_ONLY,
          description: 'atlas-backup-orchestrator restore verification (temporary)',
        },
        checkTarget(calls, input),
      );
      if (!report.summary.ok) throw verificationFailed(`Restored data of ${where(target)}`, report);
      return { ...summaryOf(report), requests: calls.requests, attempts: Context.current().info.attempt };
    },
  };
}
