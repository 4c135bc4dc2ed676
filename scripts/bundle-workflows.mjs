// `npm run build` (postbuild): bundles the built workflows once into dist/workflow-bundle.js, which the
// built worker loads instead of running webpack at every start (src/worker-memory.ts). Tests never use
// it: they run src/ and bundle it fresh (test/global-setup.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS } from '../dist/worker.js';

const dist = new URL('../dist/', import.meta.url);
const noop = () => undefined;
const logger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('workflows/index.js', dist)),
  ...WORKFLOW_BUNDLER_OPTIONS,
  logger,
});
writeFileSync(new URL('workflow-bundle.js', dist), code);
console.log(`dist/workflow-bundle.js: ${(code.length / 1e6).toFixed(1)} MB`);
