// Schemathesis (pinned, installed into .tools/ by the bootstrap) fuzzes every operation of both
// spec files (cloud-backups, then data-and-limits) against a seeded simulator, bounded in time: no
// 5xx, every response matches the spec's schema, status list, content type and headers, and every
// error carries Atlas's whole shape.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ensureSchemathesis } from '../../src/simulator/fuzz-tool.js';
import { setCompliancePolicy } from '../../src/simulator/model/compliance.js';
import {
  excludedOperations,
  FUZZ_DATA,
  NOT_YET_SERVED,
  seedDataParams,
  seedDataPlane,
  servedBySimulator,
  specOperations,
  writeDataSpec,
} from './fuzz/data-spec.js';
import {
  bearer,
  FUZZ_CLIENT_SECRET,
  runSchemathesis,
  seedForFuzzing,
  summarise,
  writeConfig,
  type FuzzRun,
} from './fuzz/harness.js';

const MAX_SECONDS = 50;
/** The second spec has fewer operations; CI pays for both runs. */
const MAX_DATA_SECONDS = 30;
let sim: RunningSimulator;
/** The data-and-limits run's simulator: with the data plane, so browsing and collection restores have data. */
let dataSim: RunningSimulator;
let dir: string;
const fuzzAuth = {
  serviceAccounts: [{ clientId: 'fuzz', clientSecret: FUZZ_CLIENT_SECRET }],
  tokenRateLimitPerMinute: 1000,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-fuzz-'));
  // Generous token limit: the harness and schemathesis share one service account.
  sim = await startSimulator({
    seed: DEMO_SEED,
    timeScale: 0.01,
    // cloud-backups.openapi.yaml still documents the serverless endpoints as served.
    serverlessLegacy: true,
    auth: fuzzAuth,
  });
  dataSim = await startSimulator({
    seed: { ...DEMO_SEED, data: FUZZ_DATA },
    timeScale: 0.01,
    data: true,
    auth: fuzzAuth,
  });
});
afterAll(async () => {
  await sim?.stop();
  await dataSim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('schemathesis against the simulator', () => {
  it(
    'finds no 5xx, no schema or status violation and no non-Atlas error body',
    { timeout: (MAX_SECONDS + 180) * 1000 },
    async () => {
      const bin = ensureSchemathesis();
      const params = await seedForFuzzing(sim);
      const config = writeConfig(dir, await bearer(sim), params);
      const run = await runSchemathesis(bin, config, sim.url, dir, MAX_SECONDS);
      expectClean('cloud-backups', run, 100);
    },
  );

  it('serves or explicitly defers every operation of data-and-limits.openapi.yaml', () => {
    const served = servedBySimulator();
    const unaccounted = specOperations().filter((o) => !served.has(o.id) && !NOT_YET_SERVED.includes(o.id));
    expect(unaccounted).toEqual([]);
  });

  it(
    'fuzzes data-and-limits.openapi.yaml: no 5xx, no schema or status violation',
    { timeout: (MAX_DATA_SECONDS + 180) * 1000 },
    async () => {
      const bin = ensureSchemathesis();
      expect(dataSim.dataDir, 'the data fuzz needs FerretDB (npm run bootstrap installs it)').toBeDefined();
      const token = await bearer(dataSim);
      const { params, ops } = await seedDataParams(dataSim, token, await seedDataPlane(dataSim, token));
      setCompliancePolicy(dataSim.model, DEMO_IDS.projectId, {
        onDemandPolicyItem: { retentionUnit: 'days', retentionValue: 1 },
      });
      const config = writeConfig(dir, token, params as never, ops, 'data-and-limits.toml');
      const spec = writeDataSpec(dir);
      const run = await runSchemathesis(bin, config, dataSim.url, dir, MAX_DATA_SECONDS, spec, excludedOperations());
      expectClean('data-and-limits', run, 30);
    },
  );
});

function expectClean(name: string, run: FuzzRun, min2xx: number): void {
  if (!existsSync(run.har))
    throw new Error(`${name}: schemathesis wrote no HAR log; its output ends:\n${run.output.slice(-2000)}`);
  const summary = summarise(run.har);
  const cases = /(\d+) generated/.exec(run.output)?.[1];
  const tail = run.output.split('\n').slice(-25).join('\n');
  const byClass = JSON.stringify(summary.byClass);
  console.log(
    `schemathesis ${name}: ${cases} cases, ${summary.requests} requests, by status class ${byClass}\n${tail}`,
  );
  expect(summary.byClass['5xx'] ?? 0, run.output.slice(-6000)).toBe(0);
  expect(run.exitCode, run.output.slice(-6000)).toBe(0);
  expect(summary.byClass['2xx'] ?? 0).toBeGreaterThan(min2xx);
}
