// Pacing by what Atlas says: each worker learns the token buckets of the projects its activities
// touch (listRateLimits with groupId, and the caller's USER-scoped sets), and sets on the activity
// task queue a rate per fairness key (project × endpoint set, contract/pacing.ts), so the Temporal
// server paces every bucket across any number of workers.
//
// Temporal's task-queue config holds ONE default rate for all fairness keys, and a weight per key
// that scales it ("each individual fairness key will be limited to this rate, scaled by the weight of
// the fairness key"; the server caps how many keys may have a weight). So the
// default is the pace of Atlas's published Cloud Backups bucket, and a key gets a weight override
// only when its bucket is smaller (an override Atlas applied to the project, or a bucket our other
// clients drain, seen as a low RateLimit-Remaining). Bigger buckets (Clusters, Database Users) run
// at the default: slower than Atlas allows, never faster.
//
// The operator's `setup --project-requests-per-minute` wins: while the default rate carries its
// mark, workers set nothing (project-pace.ts).
import type { ConnectionLike } from '@temporalio/client';
import type { AtlasClient, RateLimitSeen, RateLimitSet } from '../atlas/index.js';
import { ENDPOINT_SETS, fairnessKeyOf, type BucketLimits, type EndpointSetId } from '../contract/index.js';
import { isOperatorPace, LEARNED_MARK, readPaceConfig, tasksPerSecondOf, writePaceConfig } from './project-pace.js';

export interface BucketPacerOptions {
  connection: ConnectionLike;
  namespace: string;
  taskQueue: string;
  atlas: AtlasClient;
  /** Share of each bucket left to the project's other clients (0..0.9). */
  headroom: number;
  /** How long a project's learned buckets hold before they are read again. */
  refreshSeconds: number;
  /** Multiplies Atlas's refill periods (benches and tests run a simulator with time scaled). */
  periodScale?: number;
  log?: (line: string) => void;
}

interface Learned {
  at: number;
  /** Weight per fairness key, as last written (1: no override). */
  weights: Map<string, number>;
}

/** How soon the buckets of a project that could not be read are asked for again. */
const RETRY_MS = 60_000;

/** A bucket whose RateLimit-Remaining fell under this share of its capacity is being drained. */
const LOW_WATER = 0.1;
/** …and is refilled again once it is over this share. */
const HIGH_WATER = 0.5;

export class BucketPacer {
  private readonly projects = new Map<string, Learned>();
  private readonly learning = new Map<string, Promise<void>>();
  /** Keys whose bucket was seen draining (low Remaining) and not yet refilled, with their halved weight. */
  private readonly draining = new Map<string, number>();
  private operator = false;
  private defaultRate = 0;

  constructor(private readonly o: BucketPacerOptions) {
    if (!(o.headroom >= 0 && o.headroom <= 0.9)) throw new Error('headroom: must be a fraction from 0 to 0.9');
  }

  /** Tasks per second a bucket allows us, headroom kept. */
  rateOf(b: BucketLimits): number {
    return tasksPerSecondOf(b.refillRate, b.refillDurationSeconds * (this.o.periodScale ?? 1), 1 - this.o.headroom);
  }

  /** Sets the default per-key rate unless the operator's pace is in force; returns whether it paces. */
  async start(): Promise<boolean> {
    const config = await readPaceConfig(this.o.connection, this.o.namespace, this.o.taskQueue);
    this.operator = isOperatorPace(config);
    if (this.operator) {
      this.o.log?.(`pacing: the operator's per-project budget is in force on '${this.o.taskQueue}'; not learning`);
      return false;
    }
    await this.setDefault();
    await this.ensure(undefined);
    return true;
  }

  private async setDefault(): Promise<void> {
    this.defaultRate = this.rateOf(ENDPOINT_SETS.cloudBackups_group);
    await writePaceConfig(this.o.connection, this.o.namespace, this.o.taskQueue, {
      defaultRate: this.defaultRate,
      reason: `${LEARNED_MARK} Atlas's default Cloud Backups bucket, ${Math.round(this.o.headroom * 100)}% headroom`,
    });
  }

  /**
   * Resolves once the project's buckets are known (learned, or defaults when Atlas would not say).
   * A stale project is refreshed in the background; `undefined` is the caller's USER-scoped sets.
   */
  ensure(groupId: string | undefined): Promise<void> {
    const id = groupId ?? '';
    const known = this.projects.get(id);
    const stale = !known || Date.now() - known.at > this.o.refreshSeconds * 1000;
    if (stale && !this.learning.has(id)) {
      const p = this.learn(groupId)
        .catch((err: unknown) => {
          this.o.log?.(`pacing: could not read ${scopeName(groupId)}'s rate limits: ${msg(err)}`);
          // Its keys keep the pace they have, and the next activities do not each ask again.
          const retryAt = Date.now() - this.o.refreshSeconds * 1000 + RETRY_MS;
          this.projects.set(id, { at: Math.min(retryAt, Date.now()), weights: known?.weights ?? new Map() });
        })
        .finally(() => this.learning.delete(id));
      this.learning.set(id, p);
    }
    return known ? Promise.resolve() : (this.learning.get(id) ?? Promise.resolve());
  }

  /**
   * The client's onRateLimit: a bucket under a tenth of its capacity is being drained (by the
   * project's other clients, or a first wave sent before its buckets were known): its key runs at
   * half its learned pace until the bucket is back over half its capacity.
   */
  noteRateLimit(seen: RateLimitSeen): void {
    if (this.operator || !seen.endpointSet || seen.limit === undefined) return;
    const set = seen.endpointSet;
    const groupId = ENDPOINT_SETS[set].scope === 'USER' ? undefined : seen.groupId;
    if (ENDPOINT_SETS[set].scope === 'GROUP' && !groupId) return;
    const key = fairnessKeyOf(groupId ?? '', set);
    const draining = this.draining.has(key);
    const low = seen.remaining < seen.limit * LOW_WATER;
    if (draining === low || (draining && seen.remaining < seen.limit * HIGH_WATER)) return;
    const learned = this.projects.get(groupId ?? '')?.weights.get(key) ?? 1;
    if (low) this.draining.set(key, learned / 2);
    else this.draining.delete(key);
    void this.writeWeights(new Map([[key, low ? learned / 2 : learned]])).catch((err: unknown) =>
      this.o.log?.(`pacing: could not change a drained bucket's pace: ${msg(err)}`),
    );
  }

  private async learn(groupId: string | undefined): Promise<void> {
    const config = await readPaceConfig(this.o.connection, this.o.namespace, this.o.taskQueue);
    this.operator = isOperatorPace(config);
    if (this.operator) {
      // Looked again after refreshSeconds: the operator may hand pacing back (setup … 0).
      this.projects.set(groupId ?? '', { at: Date.now(), weights: new Map() });
      return;
    }
    // The server keeps rates as 32-bit floats.
    if (!(this.defaultRate > 0 && Math.abs((config.defaultRate ?? 0) - this.defaultRate) <= this.defaultRate * 1e-3))
      await this.setDefault();
    const sets = await this.readSets(groupId);
    const weights = new Map<string, number>();
    for (const [set, limits] of sets) {
      const key = fairnessKeyOf(groupId ?? '', set);
      weights.set(key, Math.max(0.001, Math.min(1, this.rateOf(limits) / this.defaultRate)));
    }
    // A bucket still draining keeps half its pace.
    const written = new Map([...weights].map(([k, w]) => [k, this.draining.has(k) ? w / 2 : w]));
    for (const k of weights.keys()) if (this.draining.has(k)) this.draining.set(k, weights.get(k)! / 2);
    await this.writeWeights(written);
    this.projects.set(groupId ?? '', { at: Date.now(), weights });
  }

  /** The buckets of a scope, Atlas's answer over its published defaults. */
  private async readSets(groupId: string | undefined): Promise<Map<EndpointSetId, BucketLimits>> {
    const scope = groupId ? 'GROUP' : 'USER';
    const query = groupId ? { groupId, itemsPerPage: 100 } : { itemsPerPage: 100 };
    const answered = new Map<string, RateLimitSet>();
    for await (const s of this.o.atlas.paginate('listRateLimits', { path: {}, query }))
      if (!s.scope || s.scope === scope) answered.set(s.endpointSetId, s);
    const sets = new Map<EndpointSetId, BucketLimits>();
    for (const [id, published] of Object.entries(ENDPOINT_SETS) as [
      EndpointSetId,
      (typeof ENDPOINT_SETS)[EndpointSetId],
    ][]) {
      if (published.scope !== scope) continue;
      const a = answered.get(id);
      sets.set(
        id,
        a
          ? {
              capacity: a.capacity.value,
              refillRate: a.refillRate.value,
              refillDurationSeconds: a.refillDurationSeconds.value,
            }
          : published,
      );
    }
    return sets;
  }

  /** Weight 1 is no override: unset it, so only the keys that differ take override slots. */
  private async writeWeights(weights: Map<string, number>): Promise<void> {
    const set: Record<string, number> = {};
    const unset: string[] = [];
    for (const [key, w] of weights)
      if (w < 1) set[key] = w;
      else unset.push(key);
    await writePaceConfig(this.o.connection, this.o.namespace, this.o.taskQueue, { set, unset });
  }
}

const scopeName = (groupId: string | undefined) => (groupId ? `project ${groupId}` : 'the caller');
const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));
