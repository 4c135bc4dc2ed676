// Flag value parsers for commander: each throws InvalidArgumentError, which commander reports as
// "option '--flag <x>' argument 'v' is invalid. <rule>" (exit 2), and request-file loading.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
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

/** "a.b, c.d" → ["a.b", "c.d"]: a comma-separated list, blanks dropped. */
export const list = (v: string): string[] =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

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
  if (text.trim() === '')
    throw new UsageError(
      `--file: ${path} is empty: write the request in it as one JSON or YAML object ` +
        '(e.g. {"groupId": "<24-hex project id>", "clusterName": "<cluster>"}), or use the flags instead',
    );
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

/** One request flag: its commander spec and help, its value parser, and the request field it sets. */
export interface RequestFlag {
  flags: string;
  description: string;
  parse?: (value: string, previous: never) => unknown;
  /** Dotted path of the request field it sets (absent for flags that only steer the command). */
  field?: string;
}

/** A RequestFlag in one line: flag, help, the field it sets (if any), its value parser (if any). */
export const flag = (
  flags: string,
  description: string,
  field?: string,
  parse?: RequestFlag['parse'],
): RequestFlag => ({
  flags,
  description,
  field,
  parse,
});

/** commander's key for a flag: "-p, --project <groupId>" → "project", "--retention-days <n>" → "retentionDays". */
export const optionKey = (flags: string): string =>
  /--([\w-]+)/.exec(flags)![1]!.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export function addRequestFlags(cmd: Command, table: RequestFlag[]): Command {
  for (const f of table) {
    const option = new Option(f.flags, f.description);
    cmd.addOption(f.parse ? option.argParser(f.parse as (value: string, previous: unknown) => unknown) : option);
  }
  return cmd;
}

/** The request: the file's fields (when given), each overridden by the flags the table maps to a field. */
export function requestFrom(
  table: RequestFlag[],
  values: Record<string, unknown>,
  file?: string,
  base?: Record<string, unknown>,
): Record<string, unknown> {
  const req: Record<string, unknown> = file ? readRequestFile(file) : structuredClone(base ?? {});
  for (const f of table) if (f.field) setPath(req, f.field.split('.'), values[optionKey(f.flags)]);
  return req;
}

/** field → "--flag", so a problem with a field also names the flag that sets it. */
export const flagsOfFields = (table: RequestFlag[]): Record<string, string> =>
  Object.fromEntries(table.filter((f) => f.field).map((f) => [f.field!, /--[\w-]+/.exec(f.flags)![0]]));

/** The point-in-time flags of a restore, setting `<prefix>.pointInTimeUTCSeconds` / `.oplogTs` / `.oplogInc`. */
export const pointInTimeFlags = (prefix: string): RequestFlag[] => [
  flag(
    '--point-in-time <time>',
    'point in time: epoch seconds or ISO-8601',
    `${prefix}.pointInTimeUTCSeconds`,
    epochSeconds,
  ),
  flag('--oplog-ts <seconds>', 'point in time: oplog timestamp seconds', `${prefix}.oplogTs`, wholeNumber),
  flag('--oplog-inc <n>', 'point in time: oplog increment (with --oplog-ts)', `${prefix}.oplogInc`, wholeNumber),
];

/**
 * How waiting steps poll: the first interval and the cap. The cap also follows the first interval when
 * only that is given (pollCap, which each request builder applies after the table).
 */
export const POLL_FLAGS: RequestFlag[] = [
  flag(
    '--poll-initial <seconds>',
    'first poll interval of waiting steps',
    'polling.initialIntervalSeconds',
    positiveNumber,
  ),
  flag(
    '--poll-max <seconds>',
    'longest poll interval of waiting steps',
    'polling.maximumIntervalSeconds',
    positiveNumber,
  ),
];

/** --poll-max, or a first interval given alone raising the cap with it (at least 60 s) unless a file decides. */
export const pollCap = (f: { pollMax?: number; pollInitial?: number; file?: string }): number | undefined =>
  f.pollMax ?? (f.pollInitial !== undefined && !f.file ? Math.max(f.pollInitial, 60) : undefined);
