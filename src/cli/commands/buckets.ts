// `buckets`: the export buckets of a project (list, describe, create, delete), straight through
// the Atlas client with the credentials the worker uses (MONGODB_ATLAS_*). No Temporal involved:
// these are single calls an operator makes before pointing `backup --export-bucket` at a bucket.
import { Option, type Command } from 'commander';
import type { AtlasClient, ExportBucket } from '../../atlas/index.js';
import { loadAtlasConfig, processEnv } from '../../config.js';
import { ID_PATTERN } from '../../contract/index.js';
import { act, EXIT_OK, UsageError } from '../errors.js';
import { oneOf } from '../parse.js';
import { BUCKET_PROVIDERS, createBucketRequest, type CreateBucketFlags } from './buckets-create.js';

interface BucketFlags {
  project: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ atlas-backup buckets list --project 65f1a0c0a1b2c3d4e5f60001
  $ atlas-backup buckets create -p 65f1a0c0a1b2c3d4e5f60001 --provider AWS --bucket-name my-exports \\
      --iam-role-id 668c5f0ed436263134491592
  $ atlas-backup buckets create -p 65f1a0c0a1b2c3d4e5f60001 --provider AZURE --bucket-name exports \\
      --role-id 668c5f0ed436263134491592 --service-url https://myaccount.blob.core.windows.net/exports
  $ atlas-backup buckets create -p 65f1a0c0a1b2c3d4e5f60001 --provider GCP --bucket-name my-exports \\
      --role-id 668c5f0ed436263134491592
  $ atlas-backup buckets describe 65f1a0c0a1b2c3d4e5f6b001 -p 65f1a0c0a1b2c3d4e5f60001 --json
  $ atlas-backup buckets delete 65f1a0c0a1b2c3d4e5f6b001 -p 65f1a0c0a1b2c3d4e5f60001

Atlas credentials come from the worker's variables: MONGODB_ATLAS_CLIENT_ID/SECRET (or PUBLIC/PRIVATE_KEY),
MONGODB_ATLAS_BASE_URL. Export buckets need the Project Owner role.`;

const checkId = (what: string, v: string) => {
  if (!ID_PATTERN.test(v)) throw new UsageError(`${what} must be a 24-character hex id (^([a-f0-9]{24})$), got '${v}'`);
};

/** Runs one Atlas call with a client built from the environment, closed afterwards. */
export async function withAtlas<T>(fn: (atlas: AtlasClient) => Promise<T>): Promise<T> {
  const { baseUrl, auth, timeoutMs } = loadAtlasConfig(processEnv());
  // Loaded on use, as worker/simulator/demo are: other commands never pay for the HTTP client.
  const { AtlasClient } = await import('../../atlas/index.js');
  const atlas = new AtlasClient({ baseUrl, auth, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
  try {
    return await fn(atlas);
  } finally {
    await atlas.close();
  }
}

/** "65f…b001  AWS    my-exports  iamRoleId 668…  privateNetworking false": one bucket, one line. */
function bucketLine(b: ExportBucket): string {
  const extra = [
    b.iamRoleId && `iamRoleId ${b.iamRoleId}`,
    b.roleId && `roleId ${b.roleId}`,
    b.region && `region ${b.region}`,
    b.serviceUrl && `serviceUrl ${b.serviceUrl}`,
    b.requirePrivateNetworking !== undefined && `privateNetworking ${b.requirePrivateNetworking}`,
  ].filter(Boolean);
  return `${b._id}  ${b.cloudProvider.padEnd(5)}  ${b.bucketName}${extra.length ? `  ${extra.join('  ')}` : ''}`;
}

const bucketJson = (b: ExportBucket) => {
  const { links: _links, ...rest } = b;
  return rest;
};

const P = '65f1a0c0a1b2c3d4e5f60001';
const B = '65f1a0c0a1b2c3d4e5f6b001';
const example = (...lines: string[]) => `\nExample:\n${lines.map((l) => `  $ atlas-backup buckets ${l}`).join('\n')}`;

const projectOption = () =>
  new Option('-p, --project <groupId>', 'Atlas project (groupId) that owns the buckets').makeOptionMandatory();

function registerList(buckets: Command): void {
  buckets
    .command('list')
    .description("the project's export buckets")
    .addHelpText('after', example(`list --project ${P}`))
    .addOption(projectOption())
    .option('--json', 'JSON lines, one bucket per line')
    .action(
      act(async (f: BucketFlags) => {
        checkId('--project', f.project);
        const list = await withAtlas(async (a) => {
          const all: ExportBucket[] = [];
          for await (const b of a.paginate('listExportBuckets', { path: { groupId: f.project } })) all.push(b);
          return all;
        });
        if (f.json) for (const b of list) process.stdout.write(`${JSON.stringify(bucketJson(b))}\n`);
        else if (!list.length) process.stdout.write(`no export buckets in project ${f.project}\n`);
        else process.stdout.write(`${list.map(bucketLine).join('\n')}\n`);
        return EXIT_OK;
      }),
    );
}

type BucketPath = { groupId: string; exportBucketId: string };

/** `buckets <verb> <bucketId> -p <groupId>`: both ids checked before any Atlas call; `run` returns the output. */
function onBucket(
  buckets: Command,
  spec: { verb: string; description: string; example: string; json: string },
  run: (path: BucketPath, f: BucketFlags) => Promise<string>,
): void {
  buckets
    .command(spec.verb)
    .description(spec.description)
    .addHelpText('after', example(spec.example))
    .argument('<bucketId>', 'export bucket id')
    .addOption(projectOption())
    .option('--json', spec.json)
    .action(
      act(async (id: string, f: BucketFlags) => {
        checkId('--project', f.project);
        checkId('<bucketId>', id);
        process.stdout.write(`${await run({ groupId: f.project, exportBucketId: id }, f)}\n`);
        return EXIT_OK;
      }),
    );
}

function registerDescribe(buckets: Command): void {
  const spec = { verb: 'describe', description: 'one export bucket', example: `describe ${B} -p ${P} --json` };
  onBucket(buckets, { ...spec, json: 'the bucket as JSON' }, async (path, f) => {
    const b = await withAtlas((a) => a.request('getExportBucket', { path }));
    return f.json ? JSON.stringify(bucketJson(b), null, 2) : bucketLine(b);
  });
}

function registerCreate(buckets: Command): void {
  buckets
    .command('create')
    .description('create an export bucket (AWS S3, Azure Blob Storage or Google Cloud Storage)')
    .addHelpText('after', EXAMPLES)
    .addOption(projectOption())
    .addOption(new Option('--provider <cloud>', 'cloud provider').argParser(oneOf(BUCKET_PROVIDERS)))
    .option('--bucket-name <name>', 'bucket (Azure: container) name, 3-63 characters')
    .option('--iam-role-id <id>', 'AWS: unified AWS access role id Atlas uses for the bucket')
    .option('--role-id <id>', 'Azure and GCP: cloud provider access role id')
    .option('--service-url <url>', 'Azure: https://<account>.blob.core.windows.net/<container>')
    .option('--require-private-networking', 'AWS: export over PrivateLink instead of public IPs')
    .option('--json', 'the created bucket as JSON')
    .action(
      act(async (f: BucketFlags & CreateBucketFlags) => {
        checkId('--project', f.project);
        const body = createBucketRequest(f);
        const b = await withAtlas((a) => a.request('createExportBucket', { path: { groupId: f.project }, body }));
        process.stdout.write(f.json ? `${JSON.stringify(bucketJson(b), null, 2)}\n` : `created ${bucketLine(b)}\n`);
        return EXIT_OK;
      }),
    );
}

function registerDelete(buckets: Command): void {
  const description = 'delete an export bucket from the project (the cloud bucket itself is left as it is)';
  const spec = { verb: 'delete', description, example: `delete ${B} -p ${P}`, json: 'what was deleted, as JSON' };
  onBucket(buckets, spec, async (path, f) => {
    await withAtlas((a) => a.request('deleteExportBucket', { path }));
    const id = path.exportBucketId;
    return f.json ? JSON.stringify({ deleted: id, groupId: f.project }) : `deleted export bucket ${id}`;
  });
}

export function registerBuckets(program: Command): void {
  const buckets = program
    .command('buckets')
    .description("a project's export buckets: list, describe, create, delete (Atlas credentials as the worker's)")
    .addHelpText('after', EXAMPLES);
  for (const register of [registerList, registerDescribe, registerCreate, registerDelete]) register(buckets);
}
