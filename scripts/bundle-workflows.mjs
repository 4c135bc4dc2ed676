// Bundles the workflows once into a file a worker loads instead of running webpack in its own process
// (src/worker-memory.ts). Two callers:
//   `npm run build` (postbuild): dist/workflows into dist/workflow-bundle.js.
//   `node --import tsx scripts/bundle-workflows.mjs --src <file>`: src/workflows into <file>; a worker
//   run from a checkout does this in a child process once per code change, so webpack's memory
//   leaves with the child. Tests bundle src/ themselves (test/global-setup.ts).
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const src = process.argv.indexOf('--src');
const out = src >= 0 ? process.argv[src + 1] : fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));
const { WORKFLOW_BUNDLER_OPTIONS, workflowsPath } = await import(src >= 0 ? '../src/worker.ts' : '../dist/worker.js');
const noop = () => undefined;
const logger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
const { code } = await bundleWorkflowCode({ workflowsPath, ...WORKFLOW_BUNDLER_OPTIONS, logger });
// Written aside and renamed: a worker starting meanwhile sees the whole file or none.
const tmp = `${out}.${process.pid}.tmp`;
writeFileSync(tmp, code);
renameSync(tmp, out);
console.log(`${out}: ${(code.length / 1e6).toFixed(1)} MB`);
