// `doctor`: checks the whole setup (Atlas credentials and roles, IP access list, Temporal, search
// attributes, workers, codec keys, rate-limit headroom, optionally the webhook) and prints one line
// per check with what to do. Exit 0 when nothing failed, 1 otherwise; --json for scripts.
import type { Command } from 'commander';
import { codecFromEnv } from '../../codec/index.js';
import { loadAtlasConfig, processEnv } from '../../config.js';
import { ID_PATTERN } from '../../contract/index.js';
import { runDoctor, type CheckResult, type DoctorOptions } from '../../doctor/index.js';
import { notifyConfigFromEnv } from '../../notify/config.js';
import { taskQueueOf, temporalConfig, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';

interface DoctorFlags {
  project?: string;
  cluster?: string;
  webhook?: string | true;
  json?: boolean;
}

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** A value, or the error that building it threw (a configuration problem becomes a failed check). */
function attempt<T>(fn: () => T): T | Error {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function optionsOf(f: DoctorFlags, globals: GlobalFlags): DoctorOptions {
  if (f.project !== undefined && !ID_PATTERN.test(f.project))
    throw new UsageError(`--project must be a 24-character hex id (^([a-f0-9]{24})$), got '${f.project}'`);
  const env = processEnv();
  const atlasConfig = attempt(() => loadAtlasConfig(env));
  const atlas: DoctorOptions['atlas'] =
    atlasConfig instanceof Error
      ? atlasConfig
      : async (observer) => {
          const { AtlasClient } = await import('../../atlas/index.js');
          const { baseUrl, auth, timeoutMs } = atlasConfig;
          return new AtlasClient({ baseUrl, auth, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs, observer });
        };
  const webhookUrl = f.webhook === true ? notifyConfigFromEnv(env).config.defaults?.url : f.webhook;
  return {
    atlas,
    temporal: attempt(() => temporalConfig(globals)),
    taskQueue: taskQueueOf(globals),
    codec: attempt(() => codecFromEnv(env)),
    project: f.project,
    cluster: f.cluster,
    ...(f.webhook !== undefined ? { webhook: { url: webhookUrl } } : {}),
  };
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the setup end to end: Atlas access and roles, Temporal, workers, codec keys, rate limits')
    .option('-p, --project <groupId>', 'project whose roles and rate limits to check (default: the first one listed)')
    .option('-c, --cluster <name>', 'cluster the backup, export and restore reads use (default: the first one)')
    .option('--webhook [url]', 'also check this webhook is reachable (default ATLAS_BACKUP_NOTIFY_URL)')
    .option('--json', '{"ok": bool, "checks": [{"check", "status", "line"}]}')
    .addHelpText(
      'after',
      `
Examples:
  $ atlas-backup doctor
  $ atlas-backup doctor --project 65f1a0c0a1b2c3d4e5f60001 --webhook --json

Exit 0 when no check failed (warnings and skips do not fail), 1 otherwise.`,
    )
    .action(
      act(async (f: DoctorFlags, cmd: Command) => {
        const checks = await runDoctor(optionsOf(f, cmd.optsWithGlobals<GlobalFlags>()));
        const healthy = !checks.some((c) => c.status === 'fail');
        if (f.json) process.stdout.write(`${JSON.stringify({ ok: healthy, checks })}\n`);
        else process.stdout.write(`${checks.map((c) => `${MARK[c.status]}  ${c.line}`).join('\n')}\n`);
        return healthy ? EXIT_OK : EXIT_RUN_FAILED;
      }),
    );
}
