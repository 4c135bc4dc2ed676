// The activities the worker registers. The worker builds them with its Atlas client, so no
// credential ever travels through workflow inputs or history.
import type { AtlasClient } from '../atlas/index.js';
import type { Activities, NotifyActivities, PruneActivities } from '../contract/index.js';
import type { NotifyWorkerConfig } from '../notify/config.js';
import { collectionRestoreActivities } from './collection-restores.js';
import { drActivities } from './dr.js';
import { drTargetActivities } from './dr-target.js';
import { exportActivities } from './exports.js';
import { notifyActivities } from './notify.js';
import { preflightActivities } from './preflight.js';
import { pruneActivities } from './prune.js';
import { fleetActivities } from './fleet.js';
import { restoreActivities } from './restores.js';
import { restoreTestActivities } from './restore-test.js';
import { snapshotActivities } from './snapshots.js';
import { sourceManifestActivities } from './source-manifest.js';
import { verificationActivities } from './verification.js';
import { exportVerificationActivities } from './export-verification.js';

/**
 * `notify`: the worker's webhook default and signing secrets (none: runs without `notify` send nothing).
 * `unpaced(groupId)`: whether nothing paces the project's requests (PreflightResult.dispatch).
 */
export function createActivities(
  client: AtlasClient,
  notify: NotifyWorkerConfig = { defaults: null, secrets: {} },
  unpaced: (groupId: string) => boolean = () => false,
): Activities & NotifyActivities & PruneActivities {
  return {
    ...preflightActivities(client, undefined, unpaced, notify.defaults),
    ...snapshotActivities(client),
    ...exportActivities(client),
    ...restoreActivities(client),
    ...drActivities(client),
    ...drTargetActivities(client),
    ...notifyActivities(notify),
    ...fleetActivities(client),
    ...verificationActivities(client),
    ...collectionRestoreActivities(client),
    ...restoreTestActivities(client),
    ...pruneActivities(client),
    ...sourceManifestActivities(client),
    ...exportVerificationActivities(client),
  };
}

export type { Activities } from '../contract/index.js';
