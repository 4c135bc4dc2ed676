// Fault injection: decides, per request, whether to add latency or fail, deterministically
// when the config carries a seed (mulberry32 PRNG).
import type { FaultConfig, FaultRule } from '../options.js';
import { RateLimiter } from './ratelimit.js';

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'status'; status: 500 | 502 | 503 | 409 | 429; retryAfter?: number; latencyMs: number }
  | { kind: 'reset' | 'truncate' | 'dropResponse'; latencyMs: number };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = Math.random;
  private projectLimiter = new RateLimiter();

  constructor(config?: FaultConfig) { this.set(config ?? {}); }

  set(config: FaultConfig): void {
    validateFaultConfig(config);
    this.config = config;
    this.random = config.seed !== undefined ? mulberry32(config.seed) : Math.random;
    this.projectLimiter.reset();
  }
  get(): FaultConfig { return this.config; }
  clear(): void { this.set({}); }

  decide(operationId: string): FaultDecision {
    const rule: FaultRule | undefined = this.config.operations?.[operationId] ?? this.config.operations?.['*'];
    if (!rule) return { kind: 'none', latencyMs: 0 };
    const latencyMs = (rule.latencyMs ?? 0) + (rule.jitterMs ? this.random() * rule.jitterMs : 0);
    const roll = this.random();
    let acc = 0;
    const statuses = [[500, rule.status500], [502, rule.status502], [503, rule.status503], [409, rule.status409], [429, rule.status429]] as const;
    for (const [status, p] of statuses) {
      acc += p ?? 0;
      if (roll < acc) {
        return { kind: 'status', status, latencyMs, ...(status === 429 || status === 503 ? { retryAfter: rule.retryAfterSeconds ?? 1 } : {}) };
      }
    }
    for (const kind of ['reset', 'truncate', 'dropResponse'] as const) {
      acc += rule[kind] ?? 0;
      if (roll < acc) return { kind, latencyMs };
    }
    return { kind: 'none', latencyMs };
  }

  /** Seconds to wait if this project is over its configured per-minute limit, else 0. */
  projectLimit(groupId: string): { limit: number; retryAfter: number } | undefined {
    const cfg = this.config.projectRateLimitPerMinute;
    const limit = typeof cfg === 'number' ? cfg : cfg?.[groupId] ?? cfg?.['*'];
    if (limit === undefined) return undefined;
    return { limit, retryAfter: this.projectLimiter.hit(groupId, limit) };
  }
}

/** Rejects nonsense early with the field and the rule, so a typo in a fault file is not silent. */
export function validateFaultConfig(c: unknown): asserts c is FaultConfig {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('faults: must be an object');
  const cfg = c as FaultConfig;
  if (cfg.seed !== undefined && !Number.isInteger(cfg.seed)) throw new Error('faults.seed: must be an integer');
  for (const [op, rule] of Object.entries(cfg.operations ?? {})) {
    let sum = 0;
    for (const k of ['status500', 'status502', 'status503', 'status409', 'status429', 'reset', 'truncate', 'dropResponse'] as const) {
      const p = rule[k];
      if (p === undefined) continue;
      if (typeof p !== 'number' || p < 0 || p > 1) throw new Error(`faults.operations.${op}.${k}: must be a probability between 0 and 1`);
      sum += p;
    }
    if (sum > 1 + 1e-9) throw new Error(`faults.operations.${op}: probabilities sum to ${sum}, must be <= 1`);
    for (const k of ['latencyMs', 'jitterMs', 'retryAfterSeconds'] as const) {
      const v = rule[k];
      if (v !== undefined && (typeof v !== 'number' || v < 0)) throw new Error(`faults.operations.${op}.${k}: must be a number >= 0`);
    }
  }
}
