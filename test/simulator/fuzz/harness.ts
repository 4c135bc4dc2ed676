// Sets up a schemathesis run against a simulator: seeds real resources for every path parameter
// (destructive operations get their own), writes the per-operation config (versioned Accept
// header, path parameters), runs the pinned schemathesis and summarises its HAR log.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { catalog, operationIds, type OperationId } from '../../../src/atlas/catalog.js';
import { DEMO_IDS, type RunningSimulator } from '../../../src/simulator/index.js';

const SPEC = fileURLToPath(new URL('../../../atlas-spec/atlas-api/cloud-backups.openapi.yaml', import.meta.url));
const HOOKS_DIR = fileURLToPath(new URL('.', import.meta.url));
const G = DEMO_IDS.projectId;

type Params = Record<string, string>;

/** Real resources behind every path parameter of every operation. */
export async function seedForFuzzing(sim: RunningSimulator): Promise<Record<OperationId, Params>> {
  const a = sim.admin;
  const snap = async (clusterName: string) =>
    (await a.addScheduledSnapshot({ groupId: G, clusterName, ageMs: 86_400_000 })).id;
  await a.seedCluster({ groupId: G, name: 'fuzz-doomed', kind: 'replicaSet' });
  const [rs, rsDoomed, sh, shDoomed, sl, fx] = [
    await snap(DEMO_IDS.replicaSet),
    await snap(DEMO_IDS.replicaSet),
    await snap(DEMO_IDS.sharded),
    await snap(DEMO_IDS.sharded),
    await snap(DEMO_IDS.serverless),
    await snap(DEMO_IDS.flex),
  ];
  const doomedBucket = (await a.seedBucket({ groupId: G })).id;
  const fixtures = await createJobs(sim, rs, sl, fx);
  const rsp = { groupId: G, clusterName: DEMO_IDS.replicaSet };
  const shp = { groupId: G, clusterName: DEMO_IDS.sharded };
  const slp = { groupId: G, clusterName: DEMO_IDS.serverless };
  const fxp = { groupId: G, name: DEMO_IDS.flex };
  const byOp: Partial<Record<OperationId, Params>> = {
    deleteCluster: { groupId: G, clusterName: 'fuzz-doomed' },
    deleteClusterBackupSnapshot: { ...rsp, snapshotId: rsDoomed },
    deleteBackupShardedCluster: { ...shp, snapshotId: shDoomed },
    getBackupShardedCluster: { ...shp, snapshotId: sh },
    listBackupShardedClusters: shp,
    deleteExportBucket: { groupId: G, exportBucketId: doomedBucket },
    getServerlessBackupSnapshot: { ...slp, snapshotId: sl },
    getServerlessRestoreJob: { ...slp, restoreJobId: fixtures.serverlessRestore },
    getFlexBackupSnapshot: { ...fxp, snapshotId: fx },
    getFlexRestoreJob: { ...fxp, restoreJobId: fixtures.flexRestore },
  };
  const defaults: Params = {
    ...rsp,
    snapshotId: rs,
    exportId: fixtures.exportJob,
    restoreJobId: fixtures.downloadRestore,
    exportBucketId: DEMO_IDS.bucketId,
  };
  return Object.fromEntries(
    operationIds.map((id) => {
      const names = [...catalog[id].path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const own =
        byOp[id] ??
        (catalog[id].path.includes('/serverless/')
          ? { ...defaults, ...slp }
          : catalog[id].path.includes('/flexClusters/')
            ? { ...defaults, ...fxp }
            : defaults);
      // Operations beyond the cloud-backups spec (database users, snapshot browsing) are not fuzzed in
      // this run, and their own path parameters have no seeded value here: leave them out.
      return [id, Object.fromEntries(names.filter((n) => own[n] !== undefined).map((n) => [n, own[n]!]))];
    }),
  ) as Record<OperationId, Params>;
}

async function createJobs(sim: RunningSimulator, rs: string, sl: string, fx: string) {
  const token = await bearer(sim);
  const post = async (op: OperationId, params: Params, body: unknown) => {
    const path = catalog[op].path.replace(/\{(\w+)\}/g, (_, k: string) => params[k]!);
    const res = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        authorization: `Bearer ${token}`,
        accept: `application/vnd.atlas.${catalog[op].version}+json`,
        'content-type': 'application/json',
      },
    });
    const json = (await res.json()) as { id?: string; detail?: string };
    if (!json.id) throw new Error(`fuzz seed: ${op} failed (${res.status}): ${json.detail ?? ''}`);
    return json.id;
  };
  const rsp = { groupId: G, clusterName: DEMO_IDS.replicaSet };
  return {
    exportJob: await post('createBackupExport', rsp, { snapshotId: rs, exportBucketId: DEMO_IDS.bucketId }),
    downloadRestore: await post('createBackupRestoreJob', rsp, { deliveryType: 'download', snapshotId: rs }),
    serverlessRestore: await post(
      'createServerlessRestoreJob',
      { groupId: G, clusterName: DEMO_IDS.serverless },
      {
        deliveryType: 'automated',
        snapshotId: sl,
        targetGroupId: DEMO_IDS.targetProjectId,
        targetClusterName: DEMO_IDS.restoreTarget,
      },
    ),
    flexRestore: await post('downloadFlexBackup', { groupId: G, name: DEMO_IDS.flex }, { snapshotId: fx }),
  };
}

/** The fuzz run's dummy service account, made at run time. */
export const FUZZ_CLIENT_SECRET = randomBytes(12).toString('hex');

export async function bearer(sim: RunningSimulator, clientId = 'fuzz', secret = FUZZ_CLIENT_SECRET): Promise<string> {
  const res = await fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    body: 'grant_type=client_credentials',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Enums NOTES.md restores (the published spec strips them), so generated bodies can be valid. */
const REQUEST_ENUMS: [string, string, string[]][] = [
  ['BackupSnapshotRetention', 'retentionUnit', ['days', 'weeks', 'months', 'years']],
  ['DiskBackupApiPolicyItem', 'retentionUnit', ['days', 'weeks', 'months', 'years']],
  ['DiskBackupApiPolicyItem', 'frequencyType', ['hourly', 'daily', 'weekly', 'monthly', 'yearly']],
  ['DiskBackupSnapshotRestoreJob', 'deliveryType', ['automated', 'download', 'pointInTime']],
  ['ServerlessBackupRestoreJob', 'deliveryType', ['automated', 'download', 'pointInTime']],
  ['DiskBackupSnapshotExportBucketRequest', 'cloudProvider', ['AWS', 'AZURE', 'GCP']],
];

/** The contract's spec with the enums restored and the export prefix's documentation-only "pattern" dropped. */
export function writeSpec(dir: string): string {
  const spec = parse(readFileSync(SPEC, 'utf8')) as {
    components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
  };
  const schemas = spec.components.schemas;
  delete schemas.DiskBackupExportJob?.properties?.prefix?.pattern;
  for (const [schema, prop, values] of REQUEST_ENUMS) {
    const target = schemas[schema]?.properties?.[prop];
    if (!target) throw new Error(`fuzz spec: ${schema}.${prop} is not in the contract`);
    target.enum = values;
  }
  const file = join(dir, 'cloud-backups.openapi.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const str = (s: string) => JSON.stringify(s); // a JSON string is a valid TOML basic string here

/** schemathesis.toml: auth header, then per operation its spec Accept version and seeded path parameters. */
export function writeConfig(
  dir: string,
  token: string,
  params: Record<OperationId, Params>,
  ops: { id: string; specVersion: string }[] = operationIds.map((id) => ({ id, ...catalog[id] })),
  name = 'schemathesis.toml',
): string {
  const lines = [`headers = { Authorization = ${str(`Bearer ${token}`)} }`, ''];
  for (const { id, specVersion } of ops) {
    const p = Object.entries((params as Record<string, Params>)[id] ?? {})
      .map(([k, v]) => `${str(`path.${k}`)} = ${str(v)}`)
      .join(', ');
    lines.push(
      '[[operations]]',
      `include-operation-id = ${str(id)}`,
      `headers = { Accept = ${str(`application/vnd.atlas.${specVersion}+json`)} }`,
      `parameters = { ${p} }`,
      '',
    );
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

export interface FuzzRun {
  exitCode: number | null;
  output: string;
  har: string;
}

/** Runs schemathesis, bounded by its own --max-time and a hard kill a minute later. */
export function runSchemathesis(
  bin: string,
  configFile: string,
  baseUrl: string,
  dir: string,
  maxSeconds: number,
  spec = writeSpec(dir),
  exclude: string[] = [],
): Promise<FuzzRun> {
  const har = join(dir, `${basename(spec)}.har`);
  const checks = [
    'not_a_server_error',
    'documented_status',
    'content_type_conformance',
    'response_headers_conformance',
    'response_schema_conformance',
    'atlas_error_body',
  ].join(',');
  const args = [
    '--config-file',
    configFile,
    'run',
    spec,
    '--url',
    baseUrl,
    '--seed',
    '42',
    '--workers',
    '1',
    '--max-time',
    String(maxSeconds),
    '--checks',
    checks,
    '--report',
    'har',
    '--report-har-path',
    har,
    '--request-timeout',
    '30',
    '--no-color',
    ...exclude.flatMap((id) => ['--exclude-operation-id', id]),
  ];
  return new Promise((resolve, reject) => {
    // Run in the scratch dir: schemathesis keeps a cache folder in its working directory.
    const child = spawn(bin, args, {
      cwd: dir,
      env: {
        ...process.env,
        SCHEMATHESIS_HOOKS: 'atlas_checks',
        PYTHONPATH: HOOKS_DIR,
        PYTHONDONTWRITEBYTECODE: '1',
        NO_COLOR: '1',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), (maxSeconds + 60) * 1000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(kill);
      resolve({ exitCode, output, har });
    });
  });
}

/** Requests sent and responses by status class, from the HAR log. */
export function summarise(harFile: string): { requests: number; byClass: Record<string, number> } {
  const har = JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: { response: { status: number } }[] } };
  const byClass: Record<string, number> = {};
  for (const e of har.log.entries) {
    const k = e.response.status > 0 ? `${Math.floor(e.response.status / 100)}xx` : 'none';
    byClass[k] = (byClass[k] ?? 0) + 1;
  }
  return { requests: har.log.entries.length, byClass };
}
