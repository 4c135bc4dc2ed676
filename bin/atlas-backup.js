#!/usr/bin/env node
// The `atlas-backup` command: runs the TypeScript sources through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
run();
