// One real Temporal dev server (the CLI provisioned by the project) and one workflow bundle for
// the whole test run; test files connect to it with their own task queues.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { workflowsPath } from '../src/worker.js';

let server: RunningDevServer | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  const [dev, bundle] = await Promise.all([startDevServer(), bundleWorkflowCode({ workflowsPath, logger: quietLogger })]);
  server = dev;
  const dir = mkdtempSync(join(tmpdir(), 'atlas-backup-bundle-'));
  const workflowBundlePath = join(dir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle.code);
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  project.provide('temporalAddress', dev.address);
  project.provide('workflowBundlePath', workflowBundlePath);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
