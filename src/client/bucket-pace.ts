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
// A bucket is a capacity as well as a refill. While a key's answers say its bucket holds far more than
// the share kept for other clients (RateLimit-Remaining), the key runs at a burst pace that spends
// the spare tokens within BURST_SECONDS, then falls back to the refill pace before the bucket gets
// near that share; a bucket being drained by others runs at half the refill pace. Only the answers'
// headers move a key out of the refill pace: without them it stays there.
//
// The operator's `setup --project-requests-per-minute` wins: while the default rate carries its
// mark, workers set nothing (project-pace.ts).
import type { ConnectionLike } from '@temporalio/client';
import type { AtlasClient, RateLimitSeen, RateLimitSet } from '../atlas/index.js';
import { ENDPOINT_SETS, fairnessKeyOf, type BucketLimits, type EndpointSetId } from '../contract/index.js';
import {
  isOperatorPace,
  LEARNED_MARK,
  readPaceConfig,
  REQUESTS_PER_TASK,
  tasksPerSecondOf,
  writePaceConfig,
} from './project-pace.js';

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
/**
 * A bursting key returns to the refill pace once its bucket is down to the headroom plus this share
 * of its capacity: the margin absorbs the tasks already handed out when the answer that shows it
 * arrives. It bursts again once the bucket is a further BURST_GAP over that.
 */
const BURST_MARGIN = 0.2;
const BURST_GAP = 0.2;
/** A burst spends the bucket's spare tokens over this many seconds of Atlas's time. */
const BURST_SECONDS = 10;
/**
 * How long, in real seconds, a burst may run on after the answer that should end it (the answer's
 * way back, the config write, the server applying it): the burst's rate is kept so that this much
 * of it fits in the margin. Small buckets therefore burst slowly, or not at all.
 */
const BURST_LAG_SECONDS = 2;
/** A burst under this multiple of the learned pace is not worth the risk: the key stays at its pace. */
const MIN_BURST_GAIN = 2;
/** The most a burst multiplies a key's pace by (a bucket Atlas reports as practically unlimited). */
const MAX_BURST_WEIGHT = 1000;

/** Where a key's pace stands: its learned pace, a burst over it, or half of it while drained. */
type Mode = 'burst' | 'draining';

export class BucketPacer {
  private readonly projects = new Map<string, Learned>();
  private readonly learning = new Map<string, Promise<void>>();
  /** Keys off their learned pace: bursting (a full bucket) or draining (low Remaining), with the weight written. */
  private readonly modes = new Map<string, { mode: Mode; weight: number }>();
  private operator = false;
  private defaultRate = 0;
  private writes: Promise<void> = Promise.resolve();

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
   * The client's onRateLimit: moves the answer's key between its learned pace, a burst (the bucket
   * holds far more than the headroom) and half its pace (under a tenth of its capacity: the
   * project's other clients, or a first wave sent before its buckets were known, are draining it).
   * Writes only when the key's mode changes.
   */
  noteRateLimit(seen: RateLimitSeen): void {
    if (this.operator || !seen.endpointSet || seen.limit === undefined || !(seen.limit > 0)) return;
    const set = seen.endpointSet;
    const groupId = ENDPOINT_SETS[set].scope === 'USER' ? undefined : seen.groupId;
    if (ENDPOINT_SETS[set].scope === 'GROUP' && !groupId) return;
    const key = fairnessKeyOf(groupId ?? '', set);
    const learned = this.projects.get(groupId ?? '')?.weights.get(key) ?? 1;
    const now = this.modes.get(key);
    const burst = this.burstWeight(seen.remaining, seen.limit);
    const mayBurst = burst >= learned * MIN_BURST_GAIN;
    const next = this.nextMode(now?.mode, seen.remaining / seen.limit, mayBurst);
    if (next === now?.mode) return;
    const weight = next === 'burst' ? burst : next === 'draining' ? learned / 2 : learned;
    if (next) this.modes.set(key, { mode: next, weight });
    else this.modes.delete(key);
    void this.writeWeights(new Map([[key, weight]])).catch((err: unknown) =>
      this.o.log?.(`pacing: could not change a bucket's pace: ${msg(err)}`),
    );
  }

  /**
   * Whether the project's Cloud Backups bucket is bursting at the most a burst allows: Atlas's answers
   * report it practically unlimited, so pacing the project's runs would only cost dispatch work.
   */
  unlimited(groupId: string): boolean {
    const m = this.modes.get(fairnessKeyOf(groupId));
    return !this.operator && m?.mode === 'burst' && m.weight >= MAX_BURST_WEIGHT;
  }

  /** The share of its capacity under which a bursting bucket returns to its pace. */
  private get burstLeave(): number {
    return Math.min(0.9, this.o.headroom + BURST_MARGIN);
  }

  /** The mode a key moves to from `mode` when its bucket holds `share` of its capacity. */
  private nextMode(mode: Mode | undefined, share: number, mayBurst: boolean): Mode | undefined {
    if (share < LOW_WATER) return 'draining';
    if (mode === 'draining') return share < HIGH_WATER ? 'draining' : undefined;
    if (mode === 'burst') return share < this.burstLeave ? undefined : 'burst';
    return mayBurst && share >= Math.min(0.95, this.burstLeave + BURST_GAP) ? 'burst' : undefined;
  }

  /**
   * The weight that spends a bucket's tokens over its leave level within BURST_SECONDS, no faster than
   * the margin absorbs in BURST_LAG_SECONDS.
   */
  private burstWeight(remaining: number, limit: number): number {
    const spare = remaining - this.burstLeave * limit;
    const spend = spare / (BURST_SECONDS * (this.o.periodScale ?? 1));
    const absorbed = (BURST_MARGIN * limit) / BURST_LAG_SECONDS;
    const rate = Math.min(spend, absorbed) / REQUESTS_PER_TASK;
    return Math.min(MAX_BURST_WEIGHT, rate / this.defaultRate);
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
    // A key bursting keeps its burst; one draining keeps half its (newly learned) pace.
    const written = new Map(
      [...weights].map(([k, w]) => {
        const m = this.modes.get(k);
        if (m?.mode === 'draining') m.weight = w / 2;
        return [k, m ? m.weight : w];
      }),
    );
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

  /** Writes in the order they were decided: a key's later mode never lands before its earlier one. */
  private writeWeights(weights: Map<string, number>): Promise<void> {
    const written = this.writes.then(() => this.sendWeights(weights));
    this.writes = written.catch(() => undefined);
    return written;
  }

  /** Weight 1 is no override: unset it, so only the keys that differ take override slots. */
  private async sendWeights(weights: Map<string, number>): Promise<void> {
    const set: Record<string, number> = {};
    const unset: string[] = [];
    for (const [key, w] of weights)
      if (w !== 1) set[key] = w;
      else unset.push(key);
    await writePaceConfig(this.o.connection, this.o.namespace, this.o.taskQueue, { set, unset });
  }
}

const scopeName = (groupId: string | undefined) => (groupId ? `project ${groupId}` : 'the caller');
const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));
