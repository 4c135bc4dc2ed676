// The flags every `snapshots` subcommand shares, checked before any Atlas call.
import { Option, type Command } from 'commander';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../contract/index.js';
import { UsageError } from '../errors.js';

export function checkCluster(f: { project: string; cluster?: string }): void {
  if (!ID_PATTERN.test(f.project))
    throw new UsageError(`--project must be a 24-character hex id (^([a-f0-9]{24})$), got '${f.project}'`);
  if (f.cluster !== undefined && !CLUSTER_NAME_PATTERN.test(f.cluster))
    throw new UsageError(`--cluster must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$, got '${f.cluster}'`);
}
export const clusterOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('-p, --project <groupId>', 'Atlas project (groupId)').makeOptionMandatory())
    .addOption(new Option('-c, --cluster <name>', 'cluster name').makeOptionMandatory());
