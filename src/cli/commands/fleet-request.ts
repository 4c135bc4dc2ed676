// The fleetBackup request from flags and/or a JSON/YAML request file, shared by `fleet start` and
// `fleet schedule`, validated once with the workflow's own schema (problems name field and flag).
import { InvalidArgumentError, type Command } from 'commander';
import {
  CLUSTER_NAME_PATTERN,
  fleetBackupInputSchema,
  ID_PATTERN,
  type FleetBackupInput,
} from '../../contract/index.js';
import { NOTIFY_FLAGS } from './notify-flags.js';
import { addRequestFlags, flag, flagsOfFields, keyValue, parseRequest, pollCap, POLL_FLAGS } from '../parse.js';
import { requestFrom, setPath, wholeNumber, type RequestFlag } from '../parse.js';

export interface FleetFlags {
  file?: string;
  cluster?: { groupId: string; clusterName: string }[];
  project?: string[];
  allProjects?: boolean;
  match?: string;
  type?: string[];
  tag?: { key: string; value: string }[];
  exportBucket?: Record<string, string>;
  pollInitial?: number;
  pollMax?: number;
  [flag: string]: unknown;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** <groupId>/<cluster>, repeatable. */
export const clusterRef = (v: string, prev: { groupId: string; clusterName: string }[] = []) => {
  const [groupId = '', clusterName = ''] = v.split('/');
  if (!ID_PATTERN.test(groupId) || !CLUSTER_NAME_PATTERN.test(clusterName))
    throw new InvalidArgumentError('must be <groupId>/<cluster>, e.g. 65f1a0c0a1b2c3d4e5f60001/demo-cluster.');
  return [...prev, { groupId, clusterName }];
};

/** <groupId>=<bucketId>, repeatable: each project exports to its own bucket. */
const projectBucket = (v: string, prev: Record<string, string> = {}) => {
  const [pair] = keyValue(v);
  return { ...prev, [pair!.key]: pair!.value };
};

const FLEET_FLAGS: RequestFlag[] = [
  flag('-f, --file <path>', 'request as JSON or YAML (the fleetBackup input); flags override its fields'),
  flag('--cluster <groupId/name>', 'back up this cluster (repeatable)', 'targets.clusters', clusterRef),
  flag(
    '-p, --project <groupId>',
    'back up the dedicated clusters of this project (repeatable)',
    'targets.projects',
    collect,
  ),
  flag('--all-projects', 'back up the dedicated clusters of every project the credentials see', 'targets.allProjects'),
  flag('--match <glob>', 'discovery: cluster names matching this glob (* and ?)', 'filter.namePattern'),
  flag(
    '--type <clusterType>',
    'discovery: REPLICASET, SHARDED or GEOSHARDED (repeatable)',
    'filter.clusterTypes',
    collect,
  ),
  flag(
    '--tag <key=value>',
    'discovery: clusters carrying this Atlas tag (repeatable, all must match)',
    'filter.tags',
    keyValue,
  ),
  flag(
    '--export-bucket <groupId=bucketId>',
    "export a project's snapshots to its bucket (repeatable)",
    'export.bucketsByProject',
    projectBucket,
  ),
  flag('--description <text>', 'snapshot description', 'snapshot.description'),
  flag('--retention-days <n>', 'snapshot retention in days', 'snapshot.retentionInDays', wholeNumber),
  flag('--max-concurrent <n>', 'backups running at once, overall (default 20)', 'concurrency.max', wholeNumber),
  flag('--per-project <n>', 'backups running at once per project (default 5)', 'concurrency.perProject', wholeNumber),
  flag('--batch-size <n>', 'backups per run before it continues as new (default 1000)', 'batchSize', wholeNumber),
  ...POLL_FLAGS,
  ...NOTIFY_FLAGS,
];

export const addFleetRequestOptions = (cmd: Command): Command => addRequestFlags(cmd, FLEET_FLAGS);

export function buildFleetRequest(flags: FleetFlags): FleetBackupInput {
  const req = requestFrom(FLEET_FLAGS, { ...flags }, flags.file);
  setPath(req, ['polling', 'maximumIntervalSeconds'], pollCap(flags));
  return parseRequest(fleetBackupInputSchema(), req, flagsOfFields(FLEET_FLAGS), 'fleet request');
}
