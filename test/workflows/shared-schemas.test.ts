// The workflow modules, the contract and its schemas are evaluated once per workflow context and
// shared by its runs, not evaluated again in every run: the bundle preloads the workflows
// (WORKFLOW_BUNDLER_OPTIONS), on a real worker and dev server.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/contract/shared.js';
import { WORKFLOW_BUNDLER_OPTIONS } from '../../src/worker.js';
import { temporalAddress, temporalClient } from '../helpers/temporal.js';
import type { ProbeResult } from '../fixtures/workflows/schema-probe.js';
import { z } from 'zod';

const probePath = fileURLToPath(new URL('../fixtures/workflows/schema-probe.ts', import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Runs the probe workflow three times, one after another, on one worker of the given bundle. */
async function probeRuns(options: object): Promise<{ ids: string[]; results: ProbeResult[] }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: probePath, ...options, logger: quiet });
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const taskQueue = `schema-probe-${randomUUID()}`;
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: { code } });
  const { client, close } = await temporalClient();
  try {
    return await worker.runUntil(async () => {
      const ids: string[] = [];
      const results: ProbeResult[] = [];
      for (let i = 0; i < 3; i++) {
        const workflowId = `schema-probe-${i}-${randomUUID()}`;
        ids.push(workflowId);
        results.push(
          await client.workflow.execute<() => Promise<ProbeResult>>('schemaProbe', { taskQueue, workflowId }),
        );
      }
      return { ids, results };
    });
  } finally {
    await close();
    await connection.close();
  }
}

describe('workflow modules and contract schemas in the workflow sandbox', () => {
  let preloaded: Awaited<ReturnType<typeof probeRuns>>;
  let plain: Awaited<ReturnType<typeof probeRuns>>;
  beforeAll(async () => {
    preloaded = await probeRuns(WORKFLOW_BUNDLER_OPTIONS);
    plain = await probeRuns({});
  }, 180_000);

  it('with the preload, every run of a worker gets the schema object its first run built', () => {
    expect(preloaded.results.map((r) => r.firstRun)).toEqual([preloaded.ids[0], preloaded.ids[0], preloaded.ids[0]]);
  });

  it('with the preload, every run of a worker sees the workflow module its first run saw (frozen by the SDK)', () => {
    expect(preloaded.results.map((r) => r.sameWorkflowModule)).toEqual([true, true, true]);
    expect(preloaded.results.map((r) => r.workflowsFrozen)).toEqual([true, true, true]);
  });

  it('without the preload each run evaluates its own modules and builds its own schema (what it saves)', () => {
    expect(plain.results.map((r) => r.firstRun)).toEqual(plain.ids);
    expect(plain.results.map((r) => r.workflowsFrozen)).toEqual([false, false, false]);
  });

  it('a shared (preloaded, frozen) zod still names the field and the rule in every run', () => {
    for (const r of [...preloaded.results, ...plain.results]) {
      expect(r.problems).toEqual(['groupId must be a 24-character hex id (^([a-f0-9]{24})$)']);
    }
  });
});

describe('schema()', () => {
  it('builds on the first call and returns the same schema after', () => {
    let builds = 0;
    const get = schema(() => {
      builds++;
      return z.string();
    });
    expect(builds).toBe(0);
    const a = get();
    expect(get()).toBe(a);
    expect(builds).toBe(1);
  });

  it('keeps nothing when the builder throws, so the next call builds again', () => {
    let fail = true;
    const get = schema(() => {
      if (fail) throw new Error('broken builder');
      return z.number();
    });
    expect(() => get()).toThrow('broken builder');
    fail = false;
    expect(get().parse(1)).toBe(1);
  });
});
