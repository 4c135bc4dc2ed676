// Fault injection: decides, per request, whether to add latency or fail, deterministically
// when the config carries a seed (mulberry32 PRNG).
import type { FaultConfig, FaultKind, FaultRule } from '../options.js';
import { RateLimiter } from './ratelimit.js';
import { mulberry32 } from '../random.js';

export type InjectedStatus = 500 | 502 | 503 | 409 | 429 | 401 | 403;
/** What the injector decided for one request: nothing, an injected status, or one of the connection faults. */
export type FaultOutcome = 'none' | 'status' | Exclude<FaultKind, number>;

export interface FaultDecision {
  kind: FaultOutcome;
  latencyMs: number;
  /** Echo the request headers back in this response. */
  echo: boolean;
  /** kind 'status' or 'commitThenStatus'. */
  status?: InjectedStatus;
  retryAfter?: number;
  /** How long commitThenStall holds the response, stallThenCommit the request, slowBody spreads the body. */
  holdMs?: number;
}

const STATUS_KEYS = [
  [500, 'status500'],
  [502, 'status502'],
  [503, 'status503'],
  [409, 'status409'],
  [429, 'status429'],
  [401, 'status401'],
  [403, 'status403'],
] as const;
const OTHER_KINDS = [
  'reset',
  'truncate',
  'dropResponse',
  'commitThenStatus',
  'commitThenStall',
  'stallThenCommit',
  'slowBody',
] as const;
const PROBABILITIES = [...STATUS_KEYS.map(([, k]) => k), ...OTHER_KINDS] as const;
const NON_NEGATIVE = ['latencyMs', 'jitterMs', 'retryAfterSeconds', 'spikeMs', 'stallMs', 'slowBodyMs'] as const;

const retryAfterFor = (status: number, rule: FaultRule) =>
  status === 429 || status === 503 ? { retryAfter: rule.retryAfterSeconds ?? 1 } : {};

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;
  private projectLimiter = new RateLimiter();

  constructor(config?: FaultConfig) {
    this.set(config ?? {});
  }

  set(config: FaultConfig): void {
    validateFaultConfig(config);
    this.config = config;
    this.random = config.seed !== undefined ? mulberry32(config.seed) : Math.random;
    this.projectLimiter.reset();
  }
  get(): FaultConfig {
    return this.config;
  }
  clear(): void {
    this.set({});
  }

  decide(operationId: string): FaultDecision {
    const rule: FaultRule | undefined = this.config.operations?.[operationId] ?? this.config.operations?.['*'];
    if (!rule) return { kind: 'none', latencyMs: 0, echo: false };
    const spike = rule.spikeProbability && this.random() < rule.spikeProbability ? (rule.spikeMs ?? 5_000) : 0;
    const latencyMs = (rule.latencyMs ?? 0) + (rule.jitterMs ? this.random() * rule.jitterMs : 0) + spike;
    const echo = rule.echoHeaders !== undefined && this.random() < rule.echoHeaders;
    const base = { latencyMs, echo };
    const roll = this.random();
    let acc = 0;
    for (const [status, key] of STATUS_KEYS) {
      acc += rule[key] ?? 0;
      if (roll < acc) return { ...base, kind: 'status', status, ...retryAfterFor(status, rule) };
    }
    for (const kind of OTHER_KINDS) {
      acc += rule[kind] ?? 0;
      if (roll >= acc) continue;
      if (kind === 'commitThenStatus') {
        const status = rule.commitStatus ?? 500;
        return { ...base, kind, status, ...retryAfterFor(status, rule) };
      }
      if (kind === 'commitThenStall' || kind === 'stallThenCommit')
        return { ...base, kind, holdMs: rule.stallMs ?? 120_000 };
      if (kind === 'slowBody') return { ...base, kind, holdMs: rule.slowBodyMs ?? 5_000 };
      return { ...base, kind };
    }
    return { ...base, kind: 'none' };
  }

  /** Whether a data fault strikes this job, drawn from the same seeded sequence as request faults. */
  dataFault(kind: 'exportMissingFile'): boolean {
    const p = this.config.data?.[kind];
    return p !== undefined && p > 0 && this.random() < p;
  }
  /** An index in 0..n-1, from the same sequence (which collection a data fault hits). */
  pick(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }

  /** Seconds to wait if this project is over its configured per-minute limit, else 0. */
  projectLimit(groupId: string): { limit: number; remaining: number; retryAfter: number } | undefined {
    const cfg = this.config.projectRateLimitPerMinute;
    const limit = typeof cfg === 'number' ? cfg : (cfg?.[groupId] ?? cfg?.['*']);
    if (limit === undefined) return undefined;
    const windowMs = (this.config.projectRateLimitWindowSeconds ?? 60) * 1000;
    const retryAfter = this.projectLimiter.hit(groupId, limit, Date.now(), windowMs);
    return { limit, retryAfter, remaining: Math.max(0, limit - this.projectLimiter.used(groupId)) };
  }
}

/** Rejects nonsense early with the field and the rule, so a typo in a fault file is not silent. */
export function validateFaultConfig(c: unknown): asserts c is FaultConfig {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('faults: must be an object');
  const cfg = c as FaultConfig;
  if (cfg.seed !== undefined && !Number.isInteger(cfg.seed)) throw new Error('faults.seed: must be an integer');
  const w = cfg.projectRateLimitWindowSeconds;
  if (w !== undefined && (typeof w !== 'number' || !(w > 0)))
    throw new Error('faults.projectRateLimitWindowSeconds: must be a number of seconds > 0');
  validateDataFaults(cfg.data);
  for (const [op, rule] of Object.entries(cfg.operations ?? {})) {
    let sum = 0;
    for (const k of [...PROBABILITIES, 'spikeProbability', 'echoHeaders'] as const) {
      const p = rule[k];
      if (p === undefined) continue;
      if (typeof p !== 'number' || p < 0 || p > 1)
        throw new Error(`faults.operations.${op}.${k}: must be a probability between 0 and 1`);
      if ((PROBABILITIES as readonly string[]).includes(k)) sum += p;
    }
    if (sum > 1 + 1e-9) throw new Error(`faults.operations.${op}: probabilities sum to ${sum}, must be <= 1`);
    for (const k of NON_NEGATIVE) {
      const v = rule[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0))
        throw new Error(`faults.operations.${op}.${k}: must be a number >= 0`);
    }
    if (rule.commitStatus !== undefined && ![500, 502, 503].includes(rule.commitStatus))
      throw new Error(`faults.operations.${op}.commitStatus: must be 500, 502 or 503`);
  }
}

const DATA_FAULTS = [
  'exportMissingFile',
  'snapshotLosesCollection',
  'restoreLosesCollection',
  'restoreLosesIndex',
  'slowDataPlaneMs',
];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateLostCollection(k: string, v: unknown, modes?: string[]): void {
  if (!isObject(v)) throw new Error(`faults.data.${k}: must be an object {clusterName?, namespace}`);
  if (typeof v.namespace !== 'string' || !/^[^.]+\..+$/.test(v.namespace))
    throw new Error(`faults.data.${k}.namespace: must be "<db>.<collection>"`);
  if (v.clusterName !== undefined && typeof v.clusterName !== 'string')
    throw new Error(`faults.data.${k}.clusterName: must be a string`);
  if (modes && !modes.includes(v.mode as string))
    throw new Error(`faults.data.${k}.mode: must be one of ${modes.join(', ')}`);
}

function validateLostIndex(k: string, v: unknown): void {
  if (!isObject(v)) throw new Error(`faults.data.${k}: must be an object {clusterName?, namespace, index}`);
  validateLostCollection(k, v);
  const index = (v as Record<string, unknown>).index;
  if (typeof index !== 'string' || index === '' || index === '_id_')
    throw new Error(`faults.data.${k}.index: must be the name of an index other than _id_`);
}

function validateDataFaults(d: unknown): void {
  if (d === undefined) return;
  if (!isObject(d)) throw new Error('faults.data: must be an object');
  for (const [k, v] of Object.entries(d)) {
    if (!DATA_FAULTS.includes(k))
      throw new Error(`faults.data.${k}: unknown data fault (known: ${DATA_FAULTS.join(', ')})`);
    if (k === 'exportMissingFile' && (typeof v !== 'number' || v < 0 || v > 1))
      throw new Error(`faults.data.${k}: must be a probability between 0 and 1`);
    if (k === 'slowDataPlaneMs' && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
      throw new Error(`faults.data.${k}: must be a number >= 0`);
    if (k === 'snapshotLosesCollection') validateLostCollection(k, v);
    if (k === 'restoreLosesCollection') validateLostCollection(k, v, ['missing', 'empty']);
    if (k === 'restoreLosesIndex') validateLostIndex(k, v);
  }
}
