// Data verification of a restored target, inside one attempt: a temporary read-only database user
// (temp-user.ts: made, used and deleted in this attempt; the password never leaves it) reads the
// target, which is compared with the snapshot's namespaces, the source's manifest and canary (when
// the pipeline captured them) and the validation queries.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AtlasClient } from '../atlas/index.js';
import {
  CANARY_DATABASE,
  summaryOf,
  VERIFICATION_FAILED,
  VERDICT_TABLE_LIMIT,
  type Canary,
  type ClusterRef,
  type Manifest,
  type VerificationReport,
  type VerifiedData,
  type VerifyRestoredDataInput,
} from '../contract/index.js';
import { renderVerdicts, SYSTEM_DATABASES, verify } from '../data/index.js';
import { AttemptCalls, LARGEST_PAGE } from './calls.js';
import { READ_ONLY, withTemporaryUser } from './temp-user.js';

export { LOGIN_WAIT_MS, verifyUserPrefix } from './temp-user.js';

/** Pages of snapshot browsing read at most per list (of the largest page Atlas serves). */
const BROWSE_PAGES = 20;

/**
 * `db.collection` of every collection the snapshot holds (Atlas's snapshot browsing). A whole
 * manifest, read right before the snapshot, already names the collections of every database it
 * knows: only the databases it does not (made between the manifest and the snapshot) are listed.
 * The canary's database is left to the canary check when a canary is expected.
 */
async function snapshotNamespaces(
  calls: AttemptCalls,
  s: ClusterRef & { snapshotId: string },
  expected: { manifest?: Manifest | undefined; canary?: Canary | undefined },
): Promise<string[]> {
  const path = { groupId: s.groupId, clusterName: s.clusterName, snapshotId: s.snapshotId };
  const { manifest } = expected;
  const known = new Set(manifest && manifest.omittedNamespaces === 0 ? manifest.namespaces.map((n) => n.db) : []);
  if (expected.canary && known.size > 0) known.add(CANARY_DATABASE);
  const out: string[] = [];
  for (const db of await calls.all('listBackupSnapshotDatabases', path, BROWSE_PAGES, LARGEST_PAGE)) {
    if (SYSTEM_DATABASES.includes(db.name) || known.has(db.name)) continue;
    const ofDb = { ...path, databaseName: db.name };
    for (const c of await calls.all('listSnapshotDatabaseCollections', ofDb, BROWSE_PAGES, LARGEST_PAGE))
      out.push(`${db.name}.${c.name}`);
  }
  return out;
}

/** The newest completed snapshot taken at or before a point in time (the one Atlas replays onto). */
async function snapshotBefore(calls: AttemptCalls, p: ClusterRef & { utcSeconds: number }) {
  const path = { groupId: p.groupId, clusterName: p.clusterName };
  const atOrBefore = (s: { status: string; createdAt?: string }) =>
    s.status === 'completed' && s.createdAt !== undefined && Date.parse(s.createdAt) <= p.utcSeconds * 1000;
  let found = (await calls.all('listBackupSnapshots', path)).filter(atOrBefore);
  // A sharded cluster's snapshots are listed on their own endpoint.
  if (found.length === 0) found = (await calls.all('listBackupShardedClusters', path)).filter(atOrBefore);
  return found.sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!))[0];
}

/** The namespaces a point-in-time restore should have brought back, and a note saying where they came from. */
async function pointInTimeNamespaces(calls: AttemptCalls, p: ClusterRef & { utcSeconds: number }) {
  const at = new Date(p.utcSeconds * 1000).toISOString();
  const base = await snapshotBefore(calls, p);
  if (!base)
    return {
      namespaces: [],
      note: `No completed snapshot at or before ${at}: only the validation queries were checked`,
    };
  const note =
    `Point in time ${at}: checked the namespaces of snapshot ${base.id} (${base.createdAt}), the newest ` +
    'at or before it; a collection dropped between the two also reads missing';
  return { namespaces: await snapshotNamespaces(calls, { ...path(p), snapshotId: base.id }, {}), note };
}

const path = (c: ClusterRef): ClusterRef => ({ groupId: c.groupId, clusterName: c.clusterName });

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
    const pit = !restored && !input.snapshot && input.pointInTime;
    const fromPit = pit ? await pointInTimeNamespaces(calls, pit) : undefined;
    const namespaces = restored
      ? restored.map((r) => r.sourceNamespace)
      : input.snapshot
        ? await snapshotNamespaces(calls, input.snapshot, { manifest, canary })
        : (fromPit?.namespaces ?? []);
    const restoredAs = Object.fromEntries((restored ?? []).map((r) => [r.sourceNamespace, r.targetNamespace]));
    const report = await verify(client, {
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
    if (fromPit) report.summary.notes.push(fromPit.note);
    return report;
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
          connectionString: input.connectionString,
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
