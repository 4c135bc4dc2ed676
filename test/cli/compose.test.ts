// docker-compose.yml is valid without a Docker engine: parsed with `yaml`, checked against a JSON
// schema of the Compose-spec subset it uses (ajv), its references resolved, and the worker's
// environment accepted by the same config loader the worker runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../src/config.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contract/index.js';
import { ROOT } from './helpers.js';

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
const schema = JSON.parse(readFileSync(join(ROOT, 'test/cli/compose-subset.schema.json'), 'utf8')) as object;

/** Compose's ${VAR:-default} interpolation, with an empty environment (what a fresh machine gets). */
const interpolate = (v: string) =>
  v.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_m, _name: string, def: string | undefined) => def ?? '');

describe('docker-compose.yml', () => {
  it('matches the Compose-spec schema subset (service keys, healthchecks, depends_on conditions)', () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(compose), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('has Temporal on PostgreSQL, the UI, the worker, the simulator and a search-attribute one-shot', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'atlas-simulator',
      'postgresql',
      'temporal',
      'temporal-search-attributes',
      'temporal-ui',
      'worker',
    ]);
    expect(compose.services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(compose.services.worker!.command).toEqual(['worker']);
    expect(compose.services['atlas-simulator']!.command?.[0]).toBe('simulator');
  });

  it('resolves depends_on targets, healthy-conditions on health-checked services, volumes, build context', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(compose.services[dep]!.healthcheck, `${dep} needs a healthcheck for ${name}`).toBeDefined();
      }
      for (const v of svc.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
        else expect(compose.volumes?.[source], `named volume ${source}`).toBeDefined();
      }
      if (svc.build) {
        const ctx = typeof svc.build === 'string' ? svc.build : svc.build.context;
        expect(existsSync(join(ROOT, ctx, 'Dockerfile'))).toBe(true);
      }
    }
    for (const name of ['temporal', 'postgresql', 'atlas-simulator', 'worker'])
      expect(compose.services[name]!.healthcheck, name).toBeDefined();
  });

  it('registers every search attribute the workflows upsert', () => {
    const script = readFileSync(join(ROOT, 'docker/register-search-attributes.sh'), 'utf8');
    const loop = /for name in ([^;]+);/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(loop.sort()).toEqual(ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    expect(script).toContain('--type Keyword');
    expect(compose.services.worker!.depends_on?.['temporal-search-attributes']?.condition).toBe(
      'service_completed_successfully',
    );
  });

  it("gives the worker an environment the worker's own config loader accepts", () => {
    const env = Object.fromEntries(
      Object.entries(compose.services.worker!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
    );
    const config = loadWorkerConfig(env);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.atlas.baseUrl).toBe('http://atlas-simulator:8081');
    // The bundled simulator runs with auth off; real Atlas needs MONGODB_ATLAS_AUTH and credentials.
    expect(config.atlas.auth.kind).toBe('none');
  });

  it('builds the image from node:20, installing from the lock, and runs atlas-backup', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/^RUN npm install --omit=dev/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/atlas-backup.js"]');
  });
});
