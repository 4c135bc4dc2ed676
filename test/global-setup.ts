// One real Temporal dev server and one workflow bundle for the whole test run; test files connect
// to it with their own task queues. The server is started by the SDK's own starter
// (TestWorkflowEnvironment.createLocal) from the Temporal CLI the project provisions in .tools/.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { ALL_SEARCH_ATTRIBUTES } from '../src/contract/index.js';
import { ensureTemporalCli } from '../src/devserver/temporal-cli.js';
import { WORKFLOW_BUNDLER_OPTIONS, workflowsPath } from '../src/worker.js';

let env: TestWorkflowEnvironment | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

async function startTemporal(): Promise<TestWorkflowEnvironment> {
  const options = {
    server: {
      executable: { type: 'existing-path' as const, path: ensureTemporalCli().path },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  };
  try {
    return await TestWorkflowEnvironment.createLocal(options);
  } catch (err) {
    // sdk-core gives the server a fixed 5 s to answer; a loaded 2-core machine can miss it once.
    console.warn(`Temporal dev server did not start (${(err as Error).message}); trying once more.`);
    return await TestWorkflowEnvironment.createLocal(options);
  }
}

export async function setup(project: TestProject): Promise<void> {
  const [started, bundle] = await Promise.all([
    startTemporal(),
    bundleWorkflowCode({ workflowsPath, ...WORKFLOW_BUNDLER_OPTIONS, logger: quietLogger }),
  ]);
  env = started;
  const dir = mkdtempSync(join(tmpdir(), 'atlas-backup-bundle-'));
  const workflowBundlePath = join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', workflowBundlePath);
}

export async function teardown(): Promise<void> {
  await env?.teardown();
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
