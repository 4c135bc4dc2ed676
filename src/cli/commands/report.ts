// `report`: backup coverage of every cluster the Atlas credentials can see: what protects it and
// how old its newest backup is (Atlas's own snapshots and our runs alike), our last export and
// restore test, breaches of the thresholds given, exiting 1 on any breach so cron or CI can alert.
import { type Command } from 'commander';
import type { AtlasClient } from '../../atlas/index.js';
import { coverageReport, formatAge, type ClusterCoverage, type CoverageReport } from '../../client/coverage.js';
import { PacedReads } from '../../client/paced-reads.js';
import { parseRequestsPerMinute, PROJECT_RPM_ENV } from '../../client/project-pace.js';
import { loadAtlasConfig, processEnv } from '../../config.js';
import { ID_PATTERN } from '../../contract/index.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { duration, keyValue, wholeNumber } from '../parse.js';

interface ReportFlags {
  project?: string[];
  tag?: { key: string; value: string }[];
  name?: string;
  rpo: number;
  exportMaxAge?: number;
  restoreTestMaxAge?: number;
  verifiedRestoreMaxAge?: number;
  maxResults: number;
  projectRequestsPerMinute?: string;
  json?: boolean;
}

const collect = (v: string, previous: string[] = []) => [...previous, v];

const age = (s: { ageSeconds: number } | undefined) => (s ? `${formatAge(s.ageSeconds)} ago` : 'none');

function table(clusters: ClusterCoverage[]): string {
  const head = [
    'PROJECT',
    'CLUSTER',
    'KIND',
    'PROTECTED BY',
    'NEWEST BACKUP',
    'LAST EXPORT',
    'LAST RESTORE TEST',
    'LAST VERIFIED RESTORE',
    'STATUS',
  ];
  const rows = clusters.map((c) => [
    c.projectName,
    c.clusterName,
    c.kind,
    c.protectedBy.join(', ') || 'nothing',
    c.newestProof ? `${formatAge(c.newestProof.ageSeconds)} ago (${c.newestProof.source})` : 'none',
    age(c.lastExport),
    age(c.lastRestoreTest),
    age(c.lastVerifiedRestore),
    c.breaches.length ? `BREACH: ${c.breaches.join('; ')}` : 'ok',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** Lines under the table: what could not be read, and runs that name no cluster Atlas lists. */
function footnotes(r: CoverageReport): string[] {
  const out: string[] = [];
  for (const id of r.projectsNotVisible) out.push(`project ${id}: not visible to these Atlas credentials`);
  for (const p of r.projects) for (const x of p.problems) out.push(`project ${p.name} (${p.id}): ${x}`);
  if (r.runsNamingUnknownClusters.length) {
    out.push('runs naming unknown clusters (not coverage; a typo or a deleted cluster):');
    for (const u of r.runsNamingUnknownClusters)
      out.push(`  ${u.groupId}/${u.clusterName}: ${u.runs} run(s), last ${u.lastRun.workflowId}`);
  }
  return out;
}

/** Whatever the report could not see counts against it: an unread project is not a covered one. */
export const reportFails = (r: CoverageReport) =>
  r.breached > 0 ||
  r.projectsNotVisible.length > 0 ||
  r.projects.some((p) => p.problems.some((x) => x.startsWith('list')));

function print(r: CoverageReport, json: boolean | undefined): void {
  if (json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  const notes = footnotes(r);
  const body = r.clusters.length ? table(r.clusters) : 'no clusters: the credentials see none the filters keep';
  const verdict = r.breached
    ? `${r.breached} of ${r.clusters.length} clusters breach`
    : `all ${r.clusters.length} clusters within`;
  const tail = `${verdict} the RPO of ${formatAge(r.rpoSeconds)} (${r.atlasRequests} Atlas requests)`;
  process.stdout.write(`${body}\n\n${tail}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`);
}

type AtlasConfig = ReturnType<typeof loadAtlasConfig>;

async function withPacedAtlas<T>(
  { baseUrl, auth, timeoutMs }: AtlasConfig,
  rpm: number,
  fn: (reads: PacedReads) => Promise<T>,
): Promise<T> {
  const { AtlasClient } = await import('../../atlas/index.js');
  const atlas: AtlasClient = new AtlasClient({ baseUrl, auth, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
  try {
    return await fn(new PacedReads(atlas, { requestsPerMinute: rpm }));
  } finally {
    await atlas.close();
  }
}

function checkFlags(f: ReportFlags): number {
  for (const p of f.project ?? [])
    if (!ID_PATTERN.test(p)) throw new UsageError(`--project must be a 24-character hex project id, got '${p}'`);
  if (f.name !== undefined && !f.name.trim()) throw new UsageError('--name must not be empty');
  const raw = f.projectRequestsPerMinute ?? processEnv()[PROJECT_RPM_ENV];
  if (raw === undefined) return 0;
  try {
    return parseRequestsPerMinute(
      raw,
      f.projectRequestsPerMinute !== undefined ? '--project-requests-per-minute' : PROJECT_RPM_ENV,
    );
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('backup coverage of every cluster the Atlas credentials see, against an RPO (exit 1 on breach)')
    .option('-p, --project <groupId>', 'only this project (repeatable; default: every project visible)', collect)
    .option('--tag <key=value>', 'only clusters carrying this Atlas tag (repeatable, all must match)', keyValue)
    .option('--name <glob>', "only clusters whose name matches, e.g. 'prod-*' (* any run, ? one character)")
    .option('--rpo <duration>', 'maximum age of the newest backup, whoever took it, e.g. 24h', duration, 24 * 3_600_000)
    .option('--export-max-age <duration>', 'also require an export by our runs this recent, e.g. 7d', duration)
    .option(
      '--restore-test-max-age <duration>',
      'also require a restore test by our runs this recent, e.g. 30d',
      duration,
    )
    .option(
      '--verified-restore-max-age <duration>',
      'also require a restore whose data verified (e.g. a restore test) this recent, e.g. 30d',
      duration,
    )
    .option('--max-results <n>', 'run results read per cluster to find the last export/restore', wholeNumber, 20)
    .option(
      '--project-requests-per-minute <n>',
      `pace Atlas reads to this many per project per minute (env ${PROJECT_RPM_ENV}; default unpaced)`,
    )
    .option('--json', 'the report as one JSON document')
    .addHelpText(
      'after',
      '\nClusters: every dedicated and flex cluster of the projects the Atlas credentials (MONGODB_ATLAS_*) see.' +
        "\nA cluster's newest backup is the newest completed snapshot Atlas lists (scheduled or on-demand, ours" +
        "\nor anyone's) or our runs' last backup. Runs naming clusters Atlas does not list are printed apart." +
        '\nExamples:\n  $ atlas-backup report --rpo 24h' +
        "\n  $ atlas-backup report -p 65f1a0c0a1b2c3d4e5f60001 --tag env=prod --name 'orders-*' --rpo 6h --json",
    )
    .action(
      act(async (flags: ReportFlags, cmd: Command) => {
        const rpm = checkFlags(flags);
        // Credentials are checked before Temporal or Atlas is called.
        const atlas = loadAtlasConfig(processEnv());
        return withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const report = await withPacedAtlas(atlas, rpm, (reads) =>
            coverageReport(client, reads, {
              projects: flags.project,
              tags: flags.tag,
              namePattern: flags.name,
              rpoMs: flags.rpo,
              exportMaxAgeMs: flags.exportMaxAge,
              restoreTestMaxAgeMs: flags.restoreTestMaxAge,
              verifiedRestoreMaxAgeMs: flags.verifiedRestoreMaxAge,
              maxResultsPerCluster: flags.maxResults,
            }),
          );
          print(report, flags.json);
          return reportFails(report) ? EXIT_RUN_FAILED : EXIT_OK;
        });
      }),
    );
}
