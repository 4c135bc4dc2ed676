// `report`: backup coverage per project/cluster from Temporal visibility — the last successful
// backup, export and restore test, their age against an RPO — exiting 1 when any cluster breaches,
// so cron or CI can alert on it.
import { InvalidArgumentError, type Command } from 'commander';
import { coverageReport, formatAge, type ClusterCoverage, type LastSuccess } from '../../client/coverage.js';
import { ID_PATTERN } from '../../contract/index.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { duration, wholeNumber } from '../parse.js';

interface ReportFlags {
  project?: string[];
  cluster?: { groupId: string; clusterName: string }[];
  rpo: number;
  exportMaxAge?: number;
  restoreTestMaxAge?: number;
  verifiedRestoreMaxAge?: number;
  maxResults: number;
  json?: boolean;
}

const collect =
  <T>(parse: (v: string) => T) =>
  (v: string, previous: T[] = []) => [...previous, parse(v)];

const projectId = (v: string) => {
  if (!ID_PATTERN.test(v)) throw new InvalidArgumentError('must be a 24-character hex project id.');
  return v;
};

/** "<groupId>/<clusterName>" → the cluster. */
const clusterRef = (v: string) => {
  const [groupId, clusterName, ...rest] = v.split('/');
  if (!groupId || !ID_PATTERN.test(groupId) || !clusterName || rest.length)
    throw new InvalidArgumentError('must be <groupId>/<clusterName>, e.g. 65f1a0c0a1b2c3d4e5f60001/demo-cluster.');
  return { groupId, clusterName };
};

const cell = (l: LastSuccess | undefined) => (l ? `${formatAge(l.ageSeconds)} ago` : 'none');

function table(clusters: ClusterCoverage[]): string {
  const head = [
    'PROJECT',
    'CLUSTER',
    'LAST BACKUP',
    'LAST EXPORT',
    'LAST RESTORE TEST',
    'LAST VERIFIED RESTORE',
    'STATUS',
  ];
  const rows = clusters.map((c) => [
    c.groupId,
    c.clusterName,
    cell(c.lastBackup),
    cell(c.lastExport),
    cell(c.lastRestoreTest),
    cell(c.lastVerifiedRestore),
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

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('backup coverage per cluster: last backup, export and restore test against an RPO (exit 1 on breach)')
    .option(
      '-p, --project <groupId>',
      'only this project (repeatable; default: every project our runs name)',
      collect(projectId),
    )
    .option(
      '-c, --cluster <groupId/name>',
      'always report this cluster, even with no runs (repeatable)',
      collect(clusterRef),
    )
    .option('--rpo <duration>', 'maximum age of the last successful backup, e.g. 24h', duration, 24 * 3_600_000)
    .option('--export-max-age <duration>', 'also require an export this recent, e.g. 7d', duration)
    .option('--restore-test-max-age <duration>', 'also require a restore test this recent, e.g. 30d', duration)
    .option(
      '--verified-restore-max-age <duration>',
      'also require a restore whose data verified (e.g. a restore test) this recent, e.g. 30d',
      duration,
    )
    .option('--max-results <n>', 'run results read per cluster to find the last export/restore', wholeNumber, 20)
    .option('--json', 'the report as one JSON document')
    .addHelpText(
      'after',
      '\nClusters: every cluster our runs name (even runs that never completed), plus those given with --cluster.' +
        '\nExamples:\n  $ atlas-backup report --rpo 24h' +
        '\n  $ atlas-backup report -p 65f1a0c0a1b2c3d4e5f60001 --rpo 6h --restore-test-max-age 30d --json',
    )
    .action(
      act(async (flags: ReportFlags, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const report = await coverageReport(client, {
            projects: flags.project,
            clusters: flags.cluster,
            rpoMs: flags.rpo,
            exportMaxAgeMs: flags.exportMaxAge,
            restoreTestMaxAgeMs: flags.restoreTestMaxAge,
            verifiedRestoreMaxAgeMs: flags.verifiedRestoreMaxAge,
            maxResultsPerCluster: flags.maxResults,
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          else if (!report.clusters.length)
            process.stdout.write('no clusters: no runs match and none given with --cluster\n');
          else {
            const verdict = report.breached
              ? `${report.breached} of ${report.clusters.length} clusters breach`
              : `all ${report.clusters.length} clusters within`;
            process.stdout.write(
              `${table(report.clusters)}\n\n${verdict} the RPO of ${formatAge(report.rpoSeconds)}\n`,
            );
          }
          return report.breached ? EXIT_RUN_FAILED : EXIT_OK;
        }),
      ),
    );
}
