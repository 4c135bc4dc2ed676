// Flag value parsers for commander: each throws InvalidArgumentError, which commander reports as
// "option '--flag <x>' argument 'v' is invalid. <rule>" (exit 2), and request-file loading.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from './errors.js';

export const positiveNumber = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0.');
  return n;
};

export const wholeNumber = (v: string): number => {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(v);
};

/** Seconds since the epoch, or an ISO-8601 date (converted to seconds). */
export const epochSeconds = (v: string): number => {
  if (/^\d+$/.test(v.trim())) return Number(v);
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(v))
    throw new InvalidArgumentError('must be seconds since the epoch or an ISO-8601 time, e.g. 2026-11-22T10:00:00Z.');
  return Math.floor(ms / 1000);
};

export const isoTime = (v: string): Date => {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(v))
    throw new InvalidArgumentError('must be an ISO-8601 time, e.g. 2026-11-22T10:00:00Z.');
  return new Date(ms);
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "1h", "1d" → milliseconds. */
export const duration = (v: string): number => {
  const m = DURATION.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be a duration like 90s, 15m, 6h or 1d.');
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw new InvalidArgumentError('must be longer than 0.');
  return ms;
};

export const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: string): T => {
    const found = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
    if (!found) throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
    return found;
  };

/** key=value, repeatable. */
export const keyValue = (v: string, previous: { key: string; value: string }[] = []) => {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('must be key=value.');
  return [...previous, { key: v.slice(0, i), value: v.slice(i + 1) }];
};

/** A request file: JSON (.json) or YAML (anything else; YAML is a superset of JSON). */
export function readRequestFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const format = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    throw new UsageError(`--file: ${path} is not valid ${format}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(
      `--file: ${path} must hold one object (the request), not ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  return value as Record<string, unknown>;
}

/** Sets obj[a][b]... = value when value is defined (flags override the file). */
export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  if (value === undefined) return;
  let at = obj;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!next || typeof next !== 'object') at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
}

/**
 * Validates a request (flags merged over a request file) with the workflow's own schema, once:
 * each problem names its field and, when there is one, its flag.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  req: unknown,
  flagOf: Record<string, string>,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(req);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const msg =
      i.message.startsWith(path) || i.message.includes(`${path} `) ? i.message : `${path || 'request'}: ${i.message}`;
    return flagOf[path] ? `${msg} (flag ${flagOf[path]})` : msg;
  });
  throw new UsageError(`invalid ${what}: ${problems.join('; ')}`);
}
