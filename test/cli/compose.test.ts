// docker-compose.yml, checked without a Docker engine: a real Compose implementation (installed by
// the bootstrap, scripts/compose-tool.ts) validates it and resolves it against .env files, and the
// worker's resolved environment goes through the same loaders the worker runs. The rest checks what
// Compose cannot know: mounted files exist, image releases match, the dynamic config names the
// worker's task queue.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { codecKeysFromEnv } from '../../src/codec/index.js';
import { loadWorkerConfig } from '../../src/config.js';
import { notifyConfigFromEnv } from '../../src/notify/config.js';
import { findCompose } from '../../scripts/compose-tool.js';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli.js';
import { ROOT } from './helpers.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: (string | { source?: string })[];
  profiles?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const file = join(ROOT, 'docker-compose.yml');
const raw = parse(readFileSync(file, 'utf8'), { merge: true }) as Compose;
const dir = mkdtempSync(join(tmpdir(), 'compose-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `compose --env-file <vars> -f docker-compose.yml <args>` with only PATH/HOME from this process. */
function compose(vars: Record<string, string>, args: string[]) {
  const tool = findCompose();
  if (!tool)
    throw new Error('no Docker Compose implementation: run `node scripts/bootstrap.mjs` (installs docker-compose)');
  const envFile = join(dir, `env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const r = spawnSync(
    tool.command,
    [...tool.prefix, '--env-file', envFile, '--project-directory', ROOT, '-f', file, ...args],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The worker's environment after Compose interpolated docker-compose.yml with these variables. */
function resolvedWorkerEnv(vars: Record<string, string>): Record<string, string> {
  const r = compose(vars, ['config']);
  expect(r.status, r.stderr).toBe(0);
  const env = (parse(r.stdout) as Compose).services.worker!.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v ?? '']));
}

const exampleVars = Object.fromEntries(
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('docker-compose.yml, validated by a real Compose implementation', () => {
  it('is valid with no .env and with .env.example as shipped (`config -q`)', () => {
    for (const vars of [{}, exampleVars]) {
      const r = compose(vars, ['config', '-q']);
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('fails `config -q` on an invalid file (the validator is not a no-op)', () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, readFileSync(file, 'utf8').replace('stop_grace_period: 60s', 'stop_grace_period: [60s]'));
    const tool = findCompose()!;
    const r = spawnSync(tool.command, [...tool.prefix, '--project-directory', ROOT, '-f', broken, 'config', '-q'], {
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
  });

  it('gives the worker, from .env.example as shipped, the simulator with auth off and payloads in clear', () => {
    const env = resolvedWorkerEnv(exampleVars);
    const config = loadWorkerConfig(env);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.taskQueue).toBe('atlas-backup');
    expect(config.atlas.baseUrl).toBe('http://atlas-simulator:8081');
    expect(config.atlas.auth.kind).toBe('none');
    expect(config.telemetry?.metricsAddress).toBe('0.0.0.0:9464');
    expect(codecKeysFromEnv(env)).toBeUndefined();
    expect(notifyConfigFromEnv(env)).toEqual({ config: { defaults: null, secrets: {} }, problems: [] });
    expect(env.ATLAS_BACKUP_DEPLOYMENT_NAME).toBe('atlas-backup');
    expect(env.ATLAS_BACKUP_BUILD_ID).toBe('');
  });

  it('passes a service account, codec keys, the webhook and the build id from .env to the worker', () => {
    const env = resolvedWorkerEnv({
      MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com',
      MONGODB_ATLAS_AUTH: 'serviceAccount',
      MONGODB_ATLAS_CLIENT_ID: 'mdb_sa_id_test',
      MONGODB_ATLAS_CLIENT_SECRET: 'mdb_sa_sk_test',
      ATLAS_BACKUP_CODEC_KEYS: `k1:${KEY}`,
      ATLAS_BACKUP_NOTIFY_URL: 'https://hooks.example.com/atlas-backup',
      ATLAS_BACKUP_NOTIFY_SECRET: 'webhook-secret',
      ATLAS_BACKUP_NOTIFY_FORMAT: 'slack',
      ATLAS_BACKUP_BUILD_ID: 'abc1234',
      ATLAS_BACKUP_DEPLOYMENT_NAME: 'backups',
    });
    expect(loadWorkerConfig(env).atlas.auth).toEqual({
      kind: 'serviceAccount',
      clientId: 'mdb_sa_id_test',
      clientSecret: 'mdb_sa_sk_test',
    });
    expect(codecKeysFromEnv(env)?.current.id).toBe('k1');
    const notify = notifyConfigFromEnv(env);
    expect(notify.problems).toEqual([]);
    expect(notify.config.defaults).toMatchObject({ url: 'https://hooks.example.com/atlas-backup', format: 'slack' });
    expect(notify.config.secrets).toEqual({ ATLAS_BACKUP_NOTIFY_SECRET: 'webhook-secret' });
    expect(env).toMatchObject({ ATLAS_BACKUP_BUILD_ID: 'abc1234', ATLAS_BACKUP_DEPLOYMENT_NAME: 'backups' });
  });

  it('passes an API key from .env to the worker; real Atlas without MONGODB_ATLAS_AUTH is refused by name', () => {
    const apiKey = {
      MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com',
      MONGODB_ATLAS_PUBLIC_KEY: 'abcdefgh',
      MONGODB_ATLAS_PRIVATE_KEY: randomUUID(),
    };
    const env = resolvedWorkerEnv({ ...apiKey, MONGODB_ATLAS_AUTH: 'apiKey' });
    expect(loadWorkerConfig(env).atlas.auth).toMatchObject({ kind: 'apiKey', publicKey: 'abcdefgh' });
    // The stack's default auth is the simulator's `none`, which the worker refuses for Atlas itself.
    expect(() => loadWorkerConfig(resolvedWorkerEnv(apiKey))).toThrow(/MONGODB_ATLAS_AUTH: =none is only allowed/);
  });

  it('builds the same image, with the build id as a build argument, for every atlas-backup service', () => {
    const ours = Object.entries(raw.services).filter(([, s]) => s.image === 'atlas-backup:local');
    expect(ours.map(([n]) => n).sort()).toEqual(['atlas-setup', 'atlas-simulator', 'codec-server', 'worker']);
    for (const [name, s] of ours)
      expect(s.build, name).toEqual({ context: '.', args: { ATLAS_BACKUP_BUILD_ID: '${ATLAS_BACKUP_BUILD_ID:-}' } });
    expect(raw.services['codec-server']!.profiles).toEqual(['codec']);
  });
});

describe('docker-compose.yml, what Compose cannot check', () => {
  it('mounts files that exist and named volumes that are declared', () => {
    for (const [name, svc] of Object.entries(raw.services))
      for (const v of svc.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.source!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
        else expect(raw.volumes?.[source], `named volume ${source}`).toBeDefined();
      }
  });

  it('runs Temporal Server >= 1.31 with the admin-tools of the same release, all images pinned', () => {
    const images = Object.values(raw.services).flatMap((s) => (s.image ? [s.image] : []));
    for (const image of images) expect(image, image).toMatch(/:(local|\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?)$/);
    const server = raw.services.temporal!.image!;
    const [major, minor] = server.replace('temporalio/server:', '').split('.').map(Number) as [number, number];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1031);
    const release = server.split(':')[1];
    expect(raw.services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${release}`);
    expect(raw.services['temporal-namespace']!.image).toBe(`temporalio/admin-tools:${release}`);
    expect(images.some((i) => i.startsWith('temporalio/auto-setup'))).toBe(false);
  });

  it('sets up in order: schema, server, namespace, `atlas-backup setup`, then the worker', () => {
    const dep = (s: string) => raw.services[s]!.depends_on ?? {};
    expect(dep('temporal')['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(dep('temporal-namespace').temporal?.condition).toBe('service_healthy');
    expect(dep('atlas-setup')['temporal-namespace']?.condition).toBe('service_completed_successfully');
    expect(raw.services['atlas-setup']!.command).toEqual(['setup']);
    expect(dep('worker')['atlas-setup']?.condition).toBe('service_completed_successfully');
    const schema = readFileSync(join(ROOT, 'docker/temporal-schema.sh'), 'utf8');
    for (const db of ['temporal:temporal', 'temporal_visibility:visibility']) expect(schema).toContain(db);
    expect(readFileSync(join(ROOT, 'docker/postgres-init/10-temporal-visibility.sql'), 'utf8')).toMatch(
      /CREATE DATABASE temporal_visibility;/,
    );
  });

  it('docker/temporal-namespace.sh creates the namespace once, then finds it (run with the Temporal CLI)', () => {
    const namespace = `compose-ns-${process.pid}`;
    const run = () =>
      spawnSync('sh', [join(ROOT, 'docker/temporal-namespace.sh')], {
        encoding: 'utf8',
        env: {
          PATH: `${dirname(ensureTemporalCli().path)}:${process.env.PATH ?? ''}`,
          HOME: dir,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_NAMESPACE: namespace,
          TEMPORAL_NAMESPACE_RETENTION: '3d',
        },
      });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`namespace: ${namespace} created (retention 3d)`);
    const again = run();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`namespace: ${namespace} already exists`);
  });

  it("configures fairness and one activity partition for the worker's task queue in dynamic config", () => {
    const dc = parse(readFileSync(join(ROOT, 'docker/dynamicconfig/atlas-backup.yaml'), 'utf8')) as Record<
      string,
      { value: unknown; constraints?: Record<string, string> }[]
    >;
    const queue = raw.services.worker!.environment!.TEMPORAL_TASK_QUEUE;
    expect(raw.services['atlas-setup']!.environment!.TEMPORAL_TASK_QUEUE).toBe(queue);
    expect(dc['matching.enableFairness']).toEqual([{ value: true, constraints: { taskQueueName: queue } }]);
    for (const key of ['matching.numTaskqueueWritePartitions', 'matching.numTaskqueueReadPartitions'])
      expect(dc[key]).toEqual([{ value: 1, constraints: { taskQueueName: queue, taskType: 'Activity' } }]);
    expect(raw.services.temporal!.environment!.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/atlas-backup.yaml');
  });
});

describe('docs/operations/deployment.md', () => {
  it("lists exactly the compose worker's environment in its worker environment table", () => {
    const docs = readFileSync(join(ROOT, 'docs/operations/deployment.md'), 'utf8');
    const section = docs.slice(docs.indexOf("## The worker's environment"), docs.indexOf('## Rolling out a build'));
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(raw.services.worker!.environment!).sort());
  });

  it('names the images docker-compose.yml pins', () => {
    const docs = readFileSync(join(ROOT, 'docs/operations/deployment.md'), 'utf8');
    for (const s of Object.values(raw.services)) if (s.image) expect(docs).toContain(s.image);
  });
});
