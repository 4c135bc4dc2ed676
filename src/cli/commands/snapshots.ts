// `snapshots ...`: a cluster's Cloud Backup snapshots (list, describe, delete, prune).
import type { Command } from 'commander';
import { addSnapshotLifecycle } from './snapshots-lifecycle.js';

export function registerSnapshots(program: Command): void {
  const group = program
    .command('snapshots')
    .description(
      "a cluster's Cloud Backup snapshots: list, describe, delete, prune (Atlas credentials as the worker's)",
    );
  addSnapshotLifecycle(group);
}
