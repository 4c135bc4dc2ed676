// The activities the worker registers. The worker builds them with its Atlas client, so no
// credential ever travels through workflow inputs or history.
import type { AtlasClient } from '../atlas/index.js';
import type { Activities, NotifyActivities } from '../contract/index.js';
import type { NotifyWorkerConfig } from '../notify/config.js';
import { drActivities } from './dr.js';
import { drTargetActivities } from './dr-target.js';
import { exportActivities } from './exports.js';
import { notifyActivities } from './notify.js';
import { preflightActivities } from './preflight.js';
import { fleetActivities } from './fleet.js';
import { restoreActivities } from './restores.js';
import { snapshotActivities } from './snapshots.js';
import { verificationActivities } from './verification.js';

/** `notify`: the worker's webhook default and signing secrets (none: runs without `notify` send nothing). */
export function createActivities(
  client: AtlasClient,
  notify: NotifyWorkerConfig = { defaults: null, secrets: {} },
): Activities & NotifyActivities {
  return {
    ...preflightActivities(client),
    ...snapshotActivities(client),
    ...exportActivities(client),
    ...restoreActivities(client),
    ...drActivities(client),
    ...drTargetActivities(client),
    ...notifyActivities(notify),
    ...fleetActivities(client),
    ...verificationActivities(client),
  };
}

export type { Activities } from '../contract/index.js';
