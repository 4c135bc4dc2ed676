// The contract's schemas are built once per workflow context, not once per run (issue 14, P3):
// the bundle preloads src/contract/shared.ts (WORKFLOW_BUNDLER_OPTIONS), on a real worker and dev server.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { shared } from '../../src/contract/shared.js';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../src/worker.js';
import { temporalAddress, temporalClient } from '../helpers/temporal.js';

const probePath = fileURLToPath(new URL('../fixtures/workflows/schema-probe.ts', import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

type Probe = { firstRun: string; problems: string[] };

/** Runs the probe workflow three times, one after another, on one worker of the given bundle. */
async function probeRuns(options: object): Promise<{ ids: string[]; results: Probe[] }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: probePath, ...options, logger: quiet });
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const taskQueue = `schema-probe-${randomUUID()}`;
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: { code } });
  const { client, close } = await temporalClient();
  try {
    return await worker.runUntil(async () => {
      const ids: string[] = [];
      const results: Probe[] = [];
      for (let i = 0; i < 3; i++) {
        const workflowId = `schema-probe-${i}-${randomUUID()}`;
        ids.push(workflowId);
        results.push(await client.workflow.execute<() => Promise<Probe>>('schemaProbe', { taskQueue, workflowId }));
      }
      return { ids, results };
    });
  } finally {
    await close();
    await connection.close();
  }
}

describe('contract schemas in the workflow sandbox', () => {
  let preloaded: Awaited<ReturnType<typeof probeRuns>>;
  let plain: Awaited<ReturnType<typeof probeRuns>>;
  beforeAll(async () => {
    preloaded = await probeRuns(WORKFLOW_BUNDLER_OPTIONS);
    plain = await probeRuns({});
  }, 180_000);

  it('with the preload, every run of a worker gets the schema object its first run built', () => {
    expect(preloaded.results.map((r) => r.firstRun)).toEqual([preloaded.ids[0], preloaded.ids[0], preloaded.ids[0]]);
  });

  it('without the preload each run builds its own (what the preload saves)', () => {
    expect(plain.results.map((r) => r.firstRun)).toEqual(plain.ids);
  });

  it('a shared (preloaded, frozen) zod still names the field and the rule in every run', () => {
    for (const r of preloaded.results) {
      expect(r.problems).toEqual(['groupId must be a 24-character hex id (^([a-f0-9]{24})$)']);
    }
  });
});

describe('shared()', () => {
  it('builds a key once and returns the same value after', () => {
    let builds = 0;
    const make = () => {
      builds++;
      return { made: true };
    };
    const key = `test.once.${randomUUID()}`;
    const a = shared(key, make);
    const b = shared(key, make);
    expect(a).toBe(b);
    expect(builds).toBe(1);
  });

  it('refuses a second, different builder under a key already used', () => {
    const key = `test.clash.${randomUUID()}`;
    shared(key, () => 1);
    expect(() => shared(key, () => 2)).toThrow(`two different schemas are shared under the key '${key}'`);
  });

  it('keeps nothing when a builder throws, so the next call builds again', () => {
    const key = `test.throws.${randomUUID()}`;
    let fail = true;
    const make = () => {
      if (fail) throw new Error('broken builder');
      return 'built';
    };
    expect(() => shared(key, make)).toThrow('broken builder');
    fail = false;
    expect(shared(key, make)).toBe('built');
  });
});

describe('the contract builds its module-level schemas through shared()', () => {
  it('no module-level constant of src/contract is a zod schema built outside shared()', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = fileURLToPath(new URL('../../src/contract/', import.meta.url));
    const derived = String.raw`\w+\.(?:extend|pick|omit|partial|merge|and|or|refine)\(`;
    const bare = new RegExp(String.raw`^(?:export )?const (\w+)(?::[^=]+)? = (?:z\b|${derived})`, 'gm');
    const found = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(`${dir}${f}`, 'utf8').matchAll(bare)].map((m) => `${f}: ${m[1]}`));
    // Each of these would be built again in every workflow run and held by every cached run.
    expect(found).toEqual([]);
  });
});
