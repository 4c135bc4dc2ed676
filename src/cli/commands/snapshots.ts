// `snapshots`: a cluster's backup snapshots, straight through the Atlas client with the worker's
// credentials (MONGODB_ATLAS_*). Each subcommand lives in its own file and adds itself to the group.
import type { Command } from 'commander';
import { registerSnapshotsBrowse } from './snapshots-browse.js';
import { addSnapshotLifecycle } from './snapshots-lifecycle.js';

export function registerSnapshots(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description(
      "a cluster's Cloud Backup snapshots: list, describe, browse, delete, prune (Atlas credentials as the worker's)",
    );
  addSnapshotLifecycle(snapshots);
  registerSnapshotsBrowse(snapshots);
}
