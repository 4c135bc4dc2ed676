#!/usr/bin/env node
// The `atlas-backup` command. An installed package runs the compiled dist/; a repository checkout
// (recognised by its tsconfig.json, which is never packed) runs the TypeScript sources through tsx,
// so `npm run demo` and the tests need no build step and never run a stale dist/.
//
// `atlas-backup worker` without V8 heap flags runs in a worker thread with heap limits
// (bin/worker-thread.js), which runs the CLI with only that command (src/cli/worker-main.ts): this
// main thread then loads neither the CLI nor tsx, only relays signals and exits with the thread's code.
import { existsSync } from 'node:fs';
import { commandOf, runInThread, threadEntry, workerThreadLimits } from './worker-thread.js';

const inCheckout = existsSync(new URL('../tsconfig.json', import.meta.url));
// tsx is a devDependency: a checkout installed without dev dependencies falls back to dist/.
const tsxApi = inCheckout ? resolved('tsx/esm/api') : undefined;
/** The CLI module `name` (main: every command; worker-main: only `worker`), from src/ or dist/. */
const cli = (name) => new URL(tsxApi ? `../src/cli/${name}.ts` : `../dist/cli/${name}.js`, import.meta.url);
const entry = cli('main');
if (!existsSync(entry)) {
  process.stderr.write(
    `atlas-backup: ${entry.pathname} is missing; run \`npm run build\` (or \`npm install\` for tsx).\n`,
  );
  process.exit(1);
}
const args = process.argv.slice(2);
const limits = commandOf(args) === 'worker' ? workerThreadLimits(process.env) : undefined;
if (limits) {
  const code = await runInThread(threadEntry(cli('worker-main').href, { tsxApi, call: 'run' }), {
    env: process.env,
    limits,
    argv: [process.argv[1], ...args],
  }).catch((err) => {
    process.stderr.write(`atlas-backup: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  });
  process.exit(code);
}
if (tsxApi) (await import(tsxApi)).register();
const { run } = await import(entry.href);
run();

function resolved(specifier) {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
}
