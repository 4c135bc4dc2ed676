// Checks a --cron expression against the grammar Temporal's ScheduleSpec.cronExpressions documents, so a
// bad one exits 2 naming the rule instead of reaching the server. Not a cron library: cron-parser and
// friends read 6 fields as seconds-first and accept macros (@minutely, @weekdays) Temporal refuses.
import { UsageError } from '../../errors.js';

/** The macros Temporal documents for cronExpressions (the SDK's ScheduleSpec docs). */
export const CRON_MACROS = ['@yearly', '@monthly', '@weekly', '@daily', '@hourly'] as const;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The value of names[0]. */
  namesFrom?: number;
}

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: DAYS, namesFrom: 0 },
];

const rangeOf = (f: Field) => `${f.min}-${f.max}${f.names ? ` or ${f.names[0]}-${f.names.at(-1)}` : ''}`;

/** One value of a field: a number in range or a name; undefined when it is neither. */
function valueOf(f: Field, v: string): number | undefined {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return n >= f.min && n <= f.max ? n : undefined;
  }
  const i = f.names?.indexOf(v.toLowerCase()) ?? -1;
  return i >= 0 ? i + f.namesFrom! : undefined;
}

/** The problem with one field ("*", "n", "a-b", each with an optional "/step", comma-separated), or undefined. */
function fieldProblem(f: Field, text: string): string | undefined {
  for (const item of text.split(',')) {
    const [base, step, extra] = item.split('/');
    if (extra !== undefined || base === '' || (step !== undefined && !/^[1-9]\d*$/.test(step)))
      return `${f.name} '${text}': each item is *, a value or a range, with an optional /step (step ≥ 1)`;
    if (base === '*') continue;
    const [from, to, more] = base!.split('-');
    const a = valueOf(f, from!);
    const b = to === undefined ? a : valueOf(f, to);
    if (more !== undefined || a === undefined || b === undefined) return `${f.name} '${text}' must be in ${rangeOf(f)}`;
    if (b < a) return `${f.name} '${text}': a range goes from low to high`;
  }
  return undefined;
}

/** Throws a UsageError naming --cron and the rule when `expr` is not a cron Temporal accepts. */
export function checkCron(expr: string): void {
  const c = expr.trim();
  const rule = `5 fields (minute hour day-of-month month day-of-week) or one of ${CRON_MACROS.join(', ')}`;
  if (c.startsWith('@')) {
    if ((CRON_MACROS as readonly string[]).includes(c.toLowerCase())) return;
    if (/^@every\b/i.test(c)) throw new UsageError(`--cron: '${expr}': use --every (and --offset) for an interval`);
    throw new UsageError(`--cron: '${expr}' is not a known macro: give ${rule}`);
  }
  if (/^(CRON_)?TZ=/i.test(c)) throw new UsageError(`--cron: '${expr}': give the time zone with --timezone`);
  const parts = c.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new UsageError(`--cron: '${expr}' has ${parts.length} field(s): give ${rule}`);
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(FIELDS[i]!, parts[i]!);
    if (problem) throw new UsageError(`--cron: '${expr}': ${problem}`);
  }
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 21600000 → "6h", 5400000 → "1h30m", 0 → "0s": the way the flags take durations. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return '0s';
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
