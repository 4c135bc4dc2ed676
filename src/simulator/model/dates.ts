// Every date the simulator stores must render as RFC 3339 (four-digit year), so durations taken
// from request bodies are checked before they reach state: a bad value answers 400, stores nothing.
import { validationError } from './errors.js';

export const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59Z: the last instant RFC 3339 can write. */
export const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
export const INT32_MAX = 2_147_483_647;

export type RetentionUnit = 'days' | 'weeks' | 'months' | 'years';

/**
 * `from` plus `value` units (calendar months and years),
 * or a 400 naming `field` when the result cannot be written as a date.
 */
export function addRetention(from: number, value: number, unit: RetentionUnit, field: string): number {
  let at: number;
  if (unit === 'days' || unit === 'weeks') at = from + value * (unit === 'weeks' ? 7 : 1) * DAY_MS;
  else {
    const d = new Date(from);
    // Out-of-range months or years make the date NaN, which the check below refuses.
    if (unit === 'months') d.setUTCMonth(d.getUTCMonth() + value);
    else d.setUTCFullYear(d.getUTCFullYear() + value);
    at = d.getTime();
  }
  if (!Number.isFinite(at) || at > MAX_DATE_MS)
    throw validationError(field, `${value} ${unit} from ${iso(from)} is past 9999-12-31`);
  return at;
}

/** RFC 3339 without milliseconds, as Atlas writes dates. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An int32 (the spec's `format: int32`) at least `min`; undefined when absent. */
export function int32Field(b: Record<string, unknown>, field: string, min: number): number | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validationError(field, 'must be an integer');
  if (v < min) throw validationError(field, `must be >= ${min}`);
  if (v > INT32_MAX) throw validationError(field, `must be <= ${INT32_MAX}`);
  return v;
}
