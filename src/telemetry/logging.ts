// Structured logs: one JSON line per event. The worker installs this as the Temporal Runtime's
// logger, so the SDK's own logs, workflow logs (routed by the SDK's sinks) and activity logs
// (Context.current().log) all come out here, with the workflow id, run id and activity type the
// SDK attaches. Every line is scrubbed: no credential, token or download URL is ever written.
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const satisfies readonly LogLevel[];
const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Keys whose values are never logged, whatever they hold (download links, credentials). */
const SECRET_KEY = new RegExp(
  '^(deliveryUrls?|taskToken|authorization|cookie|password|passphrase|secret|token|accessToken|' +
    'clientSecret|privateKey|apiKey|keys?)$',
  'i',
);
/** Credentials and signed links that can hide inside free text (error messages, Atlas details). */
const SECRET_TEXT: [RegExp, string][] = [
  [/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [REDACTED]'],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, 'Basic [REDACTED]'],
  [/\bDigest\s+[^\n]*/g, 'Digest [REDACTED]'],
  [/\bmdb_sa_sk_\w+/g, '[REDACTED]'],
  [/TaskToken\([^)]*\)/g, 'TaskToken([REDACTED])'],
  // Any URL with a query string or credentials: signed download links carry their token there.
  [/\bhttps?:\/\/[^\s"'<>]*(\?|@)[^\s"'<>]*/gi, '[REDACTED URL]'],
];

export function redactText(text: string): string {
  return SECRET_TEXT.reduce((out, [re, by]) => out.replace(re, by), text);
}

/** A JSON-safe copy of `value` with secret keys dropped and secret-looking text replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[…]';
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...(redact({ ...value }, depth + 1) as object) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  return out;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go; default process.stderr (stdout stays for the CLI's own output). */
  write?: (line: string) => void;
}

/** The Temporal Logger interface, writing one scrubbed JSON object per line. */
export class JsonLogger implements Logger {
  readonly level: LogLevel;
  private readonly write: (line: string) => void;

  constructor(options: JsonLoggerOptions = {}) {
    this.level = options.level ?? 'INFO';
    this.write = options.write ?? ((line) => process.stderr.write(line));
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (RANK[level] < RANK[this.level]) return;
    // The SDK passes its forwarded core logs' time as a bigint of nanoseconds.
    const { timestampNanos, ...rest } = (meta ?? {}) as LogMetadata & { timestampNanos?: bigint };
    const time = typeof timestampNanos === 'bigint' ? new Date(Number(timestampNanos / 1_000_000n)) : new Date();
    const fields = redact(rest) as Record<string, unknown>;
    const line = { time: time.toISOString(), level: level.toLowerCase(), msg: redactText(message), ...fields };
    this.write(`${JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
