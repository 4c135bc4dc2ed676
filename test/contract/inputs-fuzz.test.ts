// Property-based fuzz of the input schemas (issue 12 point 2), for both workflows and the CLI's
// flags -> request path. Properties: (1) every input a schema accepts produces Atlas requests that
// the spec's request schemas (ajv over the OpenAPI file) and the client's own request checks accept,
// within the simulator's 1 MiB body cap: no invalid run reaches Atlas; (2) every rejection names a
// field. Checked against the request bodies the activities build, not by running workflows.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { msToNumber } from '@temporalio/common/lib/time.js';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { restoreJobBody } from '../../src/activities/sources.js';
import { CreateExportRequest, CreateRestoreJobRequest, TakeSnapshotRequest } from '../../src/atlas/schemas.js';
import { buildBackupRequest, type RequestFlags } from '../../src/cli/commands/request.js';
import {
  backupPipelineInputSchema,
  customDataTags,
  disasterRecoveryInputSchema,
  formatIssues,
  tagFor,
  type BackupPipelineInput,
  type DisasterRecoveryInput,
  type RestoreRequest,
} from '../../src/contract/index.js';

const SPEC = new URL('../../atlas-spec/atlas-api/cloud-backups.openapi.yaml', import.meta.url);
const RUNS = 400;
const MAX_BODY = 1_048_576;
const RUN = { workflowId: 'backup-prod-1-65f1a0c0a1b2c3d4e5f60001-20260101T000000Z', runId: crypto.randomUUID() };
const SNAPSHOT_ID = '65f1a0c0a1b2c3d4e5f6aaaa';

// ---- the spec's request schemas -------------------------------------------------------------
const spec = parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, unknown> } };
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ $id: 'atlas', components: { schemas: spec.components.schemas } });
const requestSchema = (name: string): ValidateFunction => ajv.compile({ $ref: `atlas#/components/schemas/${name}` });
const SPEC_BODIES = {
  takeSnapshots: requestSchema('DiskBackupOnDemandSnapshotRequest'),
  createBackupExport: requestSchema('DiskBackupExportJobRequest'),
  createBackupRestoreJob: requestSchema('DiskBackupSnapshotRestoreJob'),
};
const CLIENT_BODIES = {
  takeSnapshots: TakeSnapshotRequest,
  createBackupExport: CreateExportRequest,
  createBackupRestoreJob: CreateRestoreJobRequest,
};

/** Problems Atlas (the spec), our client or the simulator's body cap would have with this body. */
function bodyProblems(op: keyof typeof SPEC_BODIES, body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const v = SPEC_BODIES[op];
  if (!v(body)) out.push(...(v.errors ?? []).map((e) => `${op}${e.instancePath} ${e.message}`));
  const c = CLIENT_BODIES[op].safeParse(body);
  if (!c.success) out.push(...formatIssues(c.error).map((m) => `${op} (client): ${m}`));
  if (JSON.stringify(body).length > MAX_BODY) out.push(`${op}: body over 1 MiB`);
  return out;
}

// ---- arbitraries: mostly plausible values, with the edges and garbage mixed in ----------------
/** Mostly `good`, sometimes `bad`: each input has many fields, so bad values must be rare for any to pass. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: bad, weight: 1 });
const hex24 = fc.stringMatching(/^[a-f0-9]{24}$/);
const anyId = mostly(hex24, fc.string({ maxLength: 30 }));
const name = mostly(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,20}$/), fc.string({ maxLength: 70 }));
const edges = [0, 1, 7, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -1, 1e-7, 0.0005, 0.5, 1199145599, 1199145600, 4102444800];
const num = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 400 }), weight: 12 },
  { arbitrary: fc.constantFrom(...edges), weight: 3 },
  { arbitrary: fc.double(), weight: 1 },
);
const pit = mostly(fc.integer({ min: 1199145600, max: 1767225600 }), num);
const seconds = fc.oneof(
  { arbitrary: fc.double({ min: 0.001, max: 120, noNaN: true }), weight: 12 },
  { arbitrary: fc.constantFrom(0, 1e-7, 0.0005, 0.001, 1, 3600, -1), weight: 3 },
);
const backoff = mostly(
  fc
    .tuple(seconds, fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }))
    .map(([a, d, c]) => ({ initialIntervalSeconds: a, maximumIntervalSeconds: a + d, backoffCoefficient: c })),
  fc.record(
    { initialIntervalSeconds: seconds, maximumIntervalSeconds: seconds, backoffCoefficient: num },
    { requiredKeys: [] },
  ),
);
const customData = fc.array(
  fc.record({
    key: mostly(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('', 'k'.repeat(255), 'k'.repeat(256))),
    value: mostly(fc.string({ maxLength: 40 }), fc.constantFrom('v'.repeat(4096), 'v'.repeat(5000))),
  }),
  { maxLength: 20 },
);
const deliveryType = mostly(fc.constantFrom('automated', 'download', 'pointInTime'), fc.constant('bogus'));
const pipelineInput = fc.record(
  {
    groupId: anyId,
    clusterName: name,
    snapshot: fc.record({ description: fc.string({ maxLength: 220 }), retentionInDays: num }, { requiredKeys: [] }),
    export: fc.record({ exportBucketId: anyId, customData }, { requiredKeys: ['exportBucketId'] }),
    restore: mostly(
      fc.oneof(
        fc.record({ deliveryType: fc.constant('automated'), targetGroupId: anyId, targetClusterName: name }),
        fc.constant({ deliveryType: 'download' }),
        fc.record({
          deliveryType: fc.constant('pointInTime'),
          targetGroupId: anyId,
          targetClusterName: name,
          pointInTimeUTCSeconds: pit,
        }),
        fc.record({
          deliveryType: fc.constant('pointInTime'),
          targetGroupId: anyId,
          targetClusterName: name,
          oplogTs: pit,
          oplogInc: num,
        }),
      ),
      fc.record(
        {
          deliveryType,
          targetGroupId: anyId,
          targetClusterName: name,
          pointInTimeUTCSeconds: pit,
          oplogTs: pit,
          oplogInc: num,
        },
        { requiredKeys: ['deliveryType'] },
      ),
    ),
    retry: backoff,
    polling: backoff,
    timeouts: fc.record({ callSeconds: seconds, snapshotSeconds: seconds }, { requiredKeys: [] }),
  },
  { requiredKeys: ['groupId', 'clusterName'] },
);
// Now and then a key no schema knows (a credential someone put in the input).
const withStray = <T extends object>(arb: fc.Arbitrary<T>) =>
  fc
    .tuple(arb, mostly(fc.constant(undefined), fc.string({ maxLength: 10 })))
    .map(([input, stray]) => (stray === undefined ? input : { ...input, clientSecret: stray }));
const drInput = fc.record(
  {
    source: fc.record({
      kind: mostly(fc.constantFrom('dedicated', 'serverless', 'flex'), fc.constant('x')),
      groupId: anyId,
      clusterName: name,
    }),
    what: fc.oneof(
      fc.record({ snapshotId: anyId }),
      fc.constant({ latest: true }),
      fc.record({ pointInTimeUTCSeconds: pit }),
      fc.record({ oplogTs: pit, oplogInc: num }),
      fc.record({ snapshotId: anyId, pointInTimeUTCSeconds: pit }, { requiredKeys: [] }),
    ),
    target: fc.record({ groupId: anyId, clusterName: name, production: fc.boolean() }, { requiredKeys: [] }),
    deliveryType: mostly(fc.constant(undefined), deliveryType),
    approval: fc.record({ required: fc.boolean(), timeoutSeconds: num }, { requiredKeys: [] }),
    retry: backoff,
    polling: backoff,
    timeouts: fc.record({ callSeconds: seconds, restoreSeconds: seconds }, { requiredKeys: [] }),
  },
  { requiredKeys: ['source', 'what'] },
);

/** Temporal must take every interval as a duration (a sub-millisecond one failed the run mid-way). */
function durationProblems(i: { polling: object; retry: object; timeouts?: object }): string[] {
  const out: string[] = [];
  for (const [group, fields] of Object.entries({ polling: i.polling, retry: i.retry, timeouts: i.timeouts ?? {} }))
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
      if (k === 'backoffCoefficient' || typeof v !== 'number') continue;
      try {
        if (msToNumber(`${v}s`) < 1) out.push(`${group}.${k}: ${v}s is under Temporal's 1 ms`);
      } catch (err) {
        out.push(`${group}.${k}: ${(err as Error).message}`);
      }
    }
  return out;
}

// ---- what the activities would send for an accepted input ------------------------------------
type Pipeline = BackupPipelineInput;
function pipelineBodies(i: Pipeline): [keyof typeof SPEC_BODIES, Record<string, unknown>][] {
  const tag = tagFor(RUN);
  const out: [keyof typeof SPEC_BODIES, Record<string, unknown>][] = [
    [
      'takeSnapshots',
      {
        description: i.snapshot.description ? `${i.snapshot.description} ${tag}` : tag,
        retentionInDays: i.snapshot.retentionInDays,
      },
    ],
  ];
  if (i.export)
    out.push([
      'createBackupExport',
      {
        snapshotId: SNAPSHOT_ID,
        exportBucketId: i.export.exportBucketId,
        customData: [...i.export.customData, ...customDataTags(RUN)],
      },
    ]);
  if (i.restore) out.push(['createBackupRestoreJob', { ...restoreJobBody({ ...i.restore, snapshotId: SNAPSHOT_ID }) }]);
  return out;
}

type Dr = DisasterRecoveryInput;
function drBody(i: Dr): Record<string, unknown> {
  const r: RestoreRequest = {
    deliveryType: i.deliveryType,
    snapshotId: i.what.snapshotId ?? SNAPSHOT_ID,
    targetGroupId: i.target?.groupId,
    targetClusterName: i.target?.clusterName,
    pointInTimeUTCSeconds: i.what.pointInTimeUTCSeconds,
    oplogTs: i.what.oplogTs,
    oplogInc: i.what.oplogInc,
  };
  return { ...restoreJobBody(r) };
}

/** A problem line names a field: it starts with the field's dotted path (or names an unknown key). */
const FIELD_NAMES =
  'request|groupId|clusterName|snapshot|export|restore|retry|polling|timeouts|' +
  'source|what|target|deliveryType|approval';
const FIELDS = new RegExp(`^(${FIELD_NAMES})\\b`);
const namesField = (line: string) => FIELDS.test(line) || /^Unrecognized keys?: /.test(line);

interface Tally {
  accepted: number;
  rejected: number;
  invalidReachingAtlas: string[];
  unnamed: string[];
}
const tally = (): Tally => ({ accepted: 0, rejected: 0, invalidReachingAtlas: [], unnamed: [] });

describe('input schemas under fuzzing (fast-check)', () => {
  it('backupPipeline: accepted inputs make valid Atlas requests; every rejection names a field', () => {
    const t = tally();
    fc.assert(
      fc.property(withStray(pipelineInput), (raw) => {
        const r = backupPipelineInputSchema().safeParse(raw);
        if (!r.success) {
          t.rejected++;
          t.unnamed.push(...formatIssues(r.error).filter((l) => !namesField(l)));
          return;
        }
        t.accepted++;
        for (const [op, body] of pipelineBodies(r.data)) t.invalidReachingAtlas.push(...bodyProblems(op, body));
        t.invalidReachingAtlas.push(...durationProblems(r.data));
      }),
      { numRuns: RUNS, seed: 1207 },
    );
    expect(t.invalidReachingAtlas).toEqual([]);
    expect(t.unnamed).toEqual([]);
    // Both sides were exercised (else the properties prove nothing).
    expect(t.accepted).toBeGreaterThan(10);
    expect(t.rejected).toBeGreaterThan(10);
  });

  it('disasterRecovery: accepted inputs make valid restore requests; every rejection names a field', () => {
    const t = tally();
    fc.assert(
      fc.property(withStray(drInput), (raw) => {
        const r = disasterRecoveryInputSchema().safeParse(raw);
        if (!r.success) {
          t.rejected++;
          t.unnamed.push(...formatIssues(r.error).filter((l) => !namesField(l)));
          return;
        }
        t.accepted++;
        t.invalidReachingAtlas.push(...durationProblems(r.data));
        if (r.data.source.kind === 'dedicated')
          t.invalidReachingAtlas.push(...bodyProblems('createBackupRestoreJob', drBody(r.data)));
      }),
      { numRuns: RUNS, seed: 1208 },
    );
    expect(t.invalidReachingAtlas).toEqual([]);
    expect(t.unnamed).toEqual([]);
    expect(t.accepted).toBeGreaterThan(10);
    expect(t.rejected).toBeGreaterThan(10);
  });

  it('CLI flags -> request: what builds makes valid Atlas requests; each refusal names its field', () => {
    const t = tally();
    const flags = fc.record(
      {
        project: anyId,
        cluster: name,
        description: fc.string({ maxLength: 220 }),
        retentionDays: fc.oneof(fc.integer({ min: -2, max: 30 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31)),
        exportBucket: anyId,
        customData,
        // Rarely given (each combines with the others under cross-field rules).
        restore: mostly(fc.constant(undefined), fc.constantFrom('automated', 'download', 'pointInTime')),
        targetProject: mostly(fc.constant(undefined), anyId),
        targetCluster: mostly(fc.constant(undefined), name),
        pointInTime: mostly(fc.constant(undefined), pit),
        pollInitial: seconds,
        pollMax: mostly(fc.constant(undefined), seconds),
      },
      { requiredKeys: ['project', 'cluster'] },
    );
    fc.assert(
      fc.property(flags, (f) => {
        let input: Pipeline;
        try {
          input = buildBackupRequest(f as RequestFlags);
        } catch (err) {
          t.rejected++;
          const text = (err as Error).message.replace(/^invalid backup request: /, '');
          const lines = text.split(new RegExp(`; (?=${FIELDS.source.slice(1)}|Unrecognized)`));
          t.unnamed.push(...lines.filter((l) => !namesField(l)));
          return;
        }
        t.accepted++;
        for (const [op, body] of pipelineBodies(input)) t.invalidReachingAtlas.push(...bodyProblems(op, body));
        t.invalidReachingAtlas.push(...durationProblems(input));
      }),
      { numRuns: RUNS, seed: 1209 },
    );
    expect(t.invalidReachingAtlas).toEqual([]);
    expect(t.unnamed).toEqual([]);
    expect(t.accepted).toBeGreaterThan(10);
    expect(t.rejected).toBeGreaterThan(10);
  });
});
