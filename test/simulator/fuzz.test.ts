// Schemathesis (pinned, installed into .tools/ by the bootstrap) fuzzes every operation of the
// spec against a seeded simulator for about a minute: no 5xx, every response matches the spec's
// schema, status list, content type and headers, and every error carries Atlas's whole shape.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ensureSchemathesis } from '../../src/simulator/fuzz-tool.js';
import { bearer, FUZZ_CLIENT_SECRET, runSchemathesis, seedForFuzzing, summarise, writeConfig } from './fuzz/harness.js';

const MAX_SECONDS = 50;
let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-fuzz-'));
  // Generous token limit: the harness and schemathesis share one service account.
  sim = await startSimulator({
    seed: DEMO_SEED,
    timeScale: 0.01,
    auth: { serviceAccounts: [{ clientId: 'fuzz', clientSecret: FUZZ_CLIENT_SECRET }], tokenRateLimitPerMinute: 1000 },
  });
});
afterAll(async () => {
  await sim?.stop();
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
      const summary = summarise(run.har);
      const cases = /(\d+) generated/.exec(run.output)?.[1];
      const tail = run.output.split('\n').slice(-25).join('\n');
      const byClass = JSON.stringify(summary.byClass);
      console.log(`schemathesis: ${cases} cases, ${summary.requests} requests, by status class ${byClass}\n${tail}`);
      expect(summary.byClass['5xx'] ?? 0, run.output.slice(-6000)).toBe(0);
      expect(run.exitCode, run.output.slice(-6000)).toBe(0);
      expect(summary.byClass['2xx'] ?? 0).toBeGreaterThan(100);
    },
  );
});
