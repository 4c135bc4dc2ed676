// The activities the worker registers. The worker builds them with its Atlas client, so no
// credential ever travels through workflow inputs or history.
import type { AtlasClient } from '../atlas/index.js';
import type { Activities } from '../contract/index.js';
import { drActivities } from './dr.js';
import { exportActivities } from './exports.js';
import { fleetActivities } from './fleet.js';
import { restoreActivities } from './restores.js';
import { snapshotActivities } from './snapshots.js';

export function createActivities(client: AtlasClient): Activities {
  return {
    ...snapshotActivities(client),
    ...exportActivities(client),
    ...restoreActivities(client),
    ...drActivities(client),
    ...fleetActivities(client),
  };
}

export type { Activities } from '../contract/index.js';
