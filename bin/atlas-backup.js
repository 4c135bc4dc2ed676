#!/usr/bin/env node
// The `atlas-backup` command. An installed package runs the compiled dist/; a repository checkout
// (recognised by its tsconfig.json, which is never packed) runs the TypeScript sources through tsx,
// so `npm run demo` and the tests need no build step and never run a stale dist/.
import { existsSync } from 'node:fs';

const inCheckout = existsSync(new URL('../tsconfig.json', import.meta.url));
let entry = new URL('../dist/cli/main.js', import.meta.url);
if (inCheckout) {
  // tsx is a devDependency: a checkout installed without dev dependencies falls back to dist/.
  const tsx = await import('tsx/esm/api').catch(() => undefined);
  if (tsx) {
    tsx.register();
    entry = new URL('../src/cli/main.ts', import.meta.url);
  }
}
if (!existsSync(entry)) {
  process.stderr.write(
    `atlas-backup: ${entry.pathname} is missing; run \`npm run build\` (or \`npm install\` for tsx).\n`,
  );
  process.exit(1);
}
const { run } = await import(entry.href);
run();
