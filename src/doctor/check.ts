// One doctor check's outcome: a line saying what was found and, when something is wrong, what to do.
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id, e.g. atlas.credentials, temporal.pollers. */
  check: string;
  status: CheckStatus;
  /** One line: what was found, then what to do about it. */
  line: string;
}

export const ok = (check: string, line: string): CheckResult => ({ check, status: 'ok', line });
export const warn = (check: string, line: string): CheckResult => ({ check, status: 'warn', line });
export const fail = (check: string, line: string): CheckResult => ({ check, status: 'fail', line });
export const skip = (check: string, line: string): CheckResult => ({ check, status: 'skip', line });

/** An error's first line, without a trailing period. */
export const firstLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/\.+$/, '');
