import type { Command } from 'commander';
export function registerDr(_program: Command): void {}
