// States and progress of collection restore jobs, derived from the clock like every other job.
// The job's IN_PROGRESS time is shared among its collections in proportion to their documents,
// restored one after the other: one collection reads SUCCESSFUL while the next is IN_PROGRESS.
// A collection is SUCCESSFUL only once its window is over and its data is really in the target.
import type { CollectionItem, CollectionRestoreJob } from './collection-restores.js';

/** How long a job reads INITIALIZING (listRestoreJobCollections answers [] meanwhile). */
export const INITIALIZING_MS = 500;

export type JobState = 'INITIALIZING' | 'IN_PROGRESS' | 'SUCCESSFUL' | 'FAILED';

export function jobState(j: CollectionRestoreJob, now: number): JobState {
  if (now < j.createdAt + INITIALIZING_MS) return 'INITIALIZING';
  if (j.dataState === 'failed') return 'FAILED';
  if (j.dataState === 'pending' || now < j.createdAt + INITIALIZING_MS + j.durationMs) return 'IN_PROGRESS';
  return 'SUCCESSFUL';
}

const weight = (item: CollectionItem) => Math.max(1, item.totalDocuments);

/** When the item's share of the job's IN_PROGRESS time starts and ends. */
function itemWindow(j: CollectionRestoreJob, item: CollectionItem): { start: number; end: number } {
  const total = j.items.reduce((a, i) => a + weight(i), 0);
  const before = j.items.slice(0, j.items.indexOf(item)).reduce((a, i) => a + weight(i), 0);
  const at = (share: number) => j.createdAt + INITIALIZING_MS + (j.durationMs * share) / total;
  return { start: at(before), end: at(before + weight(item)) };
}

export function itemState(j: CollectionRestoreJob, item: CollectionItem, now: number): JobState {
  const job = jobState(j, now);
  if (job !== 'IN_PROGRESS') return job;
  const loaded = item.loaded === true || j.dataState === 'done';
  return now >= itemWindow(j, item).end && loaded ? 'SUCCESSFUL' : 'IN_PROGRESS';
}

/** Documents shown as restored: 0 until the item's window, then in proportion, exact once it ended. */
export function restoredOf(j: CollectionRestoreJob, item: CollectionItem, now: number): number {
  const state = itemState(j, item, now);
  if (state === 'SUCCESSFUL') return item.totalDocuments;
  if (state !== 'IN_PROGRESS') return 0;
  const { start, end } = itemWindow(j, item);
  const share = Math.min(1, Math.max(0, (now - start) / Math.max(1, end - start)));
  // Never the full count before the documents are really in the target.
  return Math.min(Math.floor(item.totalDocuments * share), Math.max(0, item.totalDocuments - 1));
}
