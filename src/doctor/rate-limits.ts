// The project's rate-limit headroom: the Cloud Backups token bucket every backup, export and restore
// call draws from (listRateLimits), and how many tokens Atlas said were left on the doctor's own
// reads from it (RateLimit-Remaining, when Atlas sends it).
import type { AtlasClient, AtlasExchange } from '../atlas/index.js';
import { fail, firstLine, ok, skip, warn, type CheckResult } from './check.js';

const ID = 'atlas.rate-limits';
const SET = 'cloudBackups_group';
/** Below this share of the bucket left, runs are about to wait on 429s. */
const LOW = 0.1;

const fill = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

export async function checkRateLimits(
  atlas: AtlasClient,
  groupId: string | undefined,
  seen: AtlasExchange[],
): Promise<CheckResult> {
  if (!groupId) return skip(ID, 'rate-limit headroom not checked: give --project <groupId>');
  let sets;
  try {
    sets = (await atlas.request('listRateLimits', { path: {}, query: { groupId } })).results ?? [];
  } catch (err) {
    return warn(ID, `could not read the project's rate limits (listRateLimits: ${firstLine(err)})`);
  }
  const set = sets.find((s) => s.endpointSetId === SET);
  if (!set?.capacity) return warn(ID, `listRateLimits lists no Cloud Backups bucket for project ${groupId}`);
  const capacity = set.capacity.value;
  const refill = `${set.refillRate?.value ?? '?'} per ${set.refillDurationSeconds?.value ?? '?'} s`;
  const routes = new Set((set.endpoints ?? []).map((e) => fill(e.path)));
  const last = seen.filter((e) => e.rateLimit && routes.has(fill(e.route))).at(-1)?.rateLimit;
  if (!last) return ok(ID, `Cloud Backups bucket of project ${groupId}: capacity ${capacity}, refills ${refill}`);
  const left = `${last.remaining} of ${capacity} requests left`;
  const line = `Cloud Backups bucket of project ${groupId}: ${left}, refills ${refill}`;
  if (last.remaining >= capacity * LOW) return ok(ID, line);
  return fail(
    ID,
    `${line}: runs will wait on 429s; spread schedules, lower fleet concurrency, or pace the project ` +
      '(atlas-backup setup --project-requests-per-minute)',
  );
}
