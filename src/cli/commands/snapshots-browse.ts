// `snapshots browse`: the databases and collections a snapshot holds (Atlas's snapshot browsing,
// every page), to pick what `dr --collections` restores. Read only; no Temporal involved.
import { Option, type Command } from 'commander';
import type { AtlasClient } from '../../atlas/index.js';
import { loadAtlasConfig, processEnv } from '../../config.js';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../contract/index.js';
import { act, EXIT_OK, UsageError } from '../errors.js';

interface BrowseFlags {
  project: string;
  cluster: string;
  snapshot: string;
  database?: string;
  json?: boolean;
}

export interface BrowsedDatabase {
  name: string;
  collections: string[];
}

const EXAMPLE = `
Example:
  $ atlas-backup snapshots browse --project 65f1a0c0a1b2c3d4e5f60001 --cluster demo-cluster \\
      --snapshot 65f1a0c0a1b2c3d4e5f6c001 --database app
  then restore some of it: atlas-backup dr ... --snapshot-id <id> --collections app.orders`;

function check(f: BrowseFlags): void {
  const id = (flag: string, v: string) => {
    if (!ID_PATTERN.test(v))
      throw new UsageError(`${flag} must be a 24-character hex id (^([a-f0-9]{24})$), got '${v}'`);
  };
  id('--project', f.project);
  id('--snapshot', f.snapshot);
  if (!CLUSTER_NAME_PATTERN.test(f.cluster))
    throw new UsageError(`--cluster must match ${CLUSTER_NAME_PATTERN.source}, got '${f.cluster}'`);
  if (f.database !== undefined && f.database.length === 0) throw new UsageError('--database must name a database');
}

/** Every database of the snapshot (or the one asked for) with every collection it holds. */
export async function browseSnapshot(
  atlas: AtlasClient,
  path: { groupId: string; clusterName: string; snapshotId: string },
  database?: string,
): Promise<BrowsedDatabase[]> {
  const names: string[] = [];
  if (database === undefined)
    for await (const d of atlas.paginate('listBackupSnapshotDatabases', { path })) names.push(d.name);
  else names.push(database);
  const out: BrowsedDatabase[] = [];
  for (const name of names) {
    const collections: string[] = [];
    for await (const c of atlas.paginate('listSnapshotDatabaseCollections', { path: { ...path, databaseName: name } }))
      collections.push(c.name);
    out.push({ name, collections: collections.sort() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function render(dbs: BrowsedDatabase[], snapshotId: string): string {
  if (dbs.length === 0) return `snapshot ${snapshotId} holds no databases`;
  return dbs
    .map((d) => `${d.name}  (${d.collections.length})\n${d.collections.map((c) => `  ${d.name}.${c}`).join('\n')}`)
    .join('\n');
}

export function registerSnapshotsBrowse(snapshots: Command): void {
  snapshots
    .command('browse')
    .description("a snapshot's databases and collections (what dr --collections/--databases can restore)")
    .addHelpText('after', EXAMPLE)
    .addOption(new Option('-p, --project <groupId>', 'Atlas project (groupId)').makeOptionMandatory())
    .addOption(new Option('-c, --cluster <name>', 'cluster the snapshot belongs to').makeOptionMandatory())
    .addOption(new Option('-s, --snapshot <id>', 'snapshot id').makeOptionMandatory())
    .option('--database <name>', 'only this database')
    .option('--json', 'JSON: {snapshotId, databases: [{name, collections}]}')
    .action(
      act(async (f: BrowseFlags) => {
        check(f);
        const { baseUrl, auth, timeoutMs } = loadAtlasConfig(processEnv());
        // Loaded on use: other commands never pay for the HTTP client.
        const { AtlasClient } = await import('../../atlas/index.js');
        const atlas = new AtlasClient({ baseUrl, auth, headersTimeoutMs: timeoutMs, bodyTimeoutMs: timeoutMs });
        const path = { groupId: f.project, clusterName: f.cluster, snapshotId: f.snapshot };
        const dbs = await browseSnapshot(atlas, path, f.database).finally(() => atlas.close());
        const out = f.json
          ? JSON.stringify({ snapshotId: f.snapshot, databases: dbs }, null, 2)
          : render(dbs, f.snapshot);
        process.stdout.write(`${out}\n`);
        return EXIT_OK;
      }),
    );
}
