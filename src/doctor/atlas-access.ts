// Atlas access: are the credentials good (one cheap read), does Atlas refuse this machine's IP, and
// which roles do they lack, feature by feature (a call each feature makes, which answers 403 without
// its role; a 404 for a probe name means the call was allowed). Verification's role is probed by a
// delete, since any project role may read database users.
import { AtlasApiError, probeUserAdmin, type AtlasClient } from '../atlas/index.js';
import { fail, firstLine, ok, skip, warn, type CheckResult } from './check.js';

const IP_REFUSED = 'IP_ADDRESS_NOT_ON_ACCESS_LIST';
const PROBE_NAME = 'atlas-backup-doctor-probe';

const ipLine = (op: string) =>
  `Atlas refuses this machine's IP address (${op}: 403 ${IP_REFUSED}): add its public IP to the API access ` +
  'list of the service account or API key (Organization → Access Manager → Applications), or run from a listed host';

/** The credentials, by listing projects: 401 is a bad secret, 403 IP refusal is the access list. */
export async function checkCredentials(atlas: AtlasClient): Promise<{ result: CheckResult; firstProject?: string }> {
  const id = 'atlas.credentials';
  try {
    const page = await atlas.request('listProjects', { path: {}, query: { itemsPerPage: 1 } });
    return { result: ok(id, 'Atlas credentials valid (listGroups answered)'), firstProject: page.results?.[0]?.id };
  } catch (err) {
    if (!(err instanceof AtlasApiError)) return { result: fail(id, `cannot reach Atlas: ${firstLine(err)}`) };
    if (err.httpStatus === 401 || err.operation === 'oauthToken')
      return {
        result: fail(
          id,
          `Atlas refused the credentials (${err.httpStatus ?? ''} ${err.errorCode}): check ` +
            'MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (or MONGODB_ATLAS_PUBLIC_KEY and ' +
            'MONGODB_ATLAS_PRIVATE_KEY); a revoked or mistyped secret fails here',
        ),
      };
    if (err.errorCode === IP_REFUSED) return { result: fail('atlas.ip-access-list', ipLine('listGroups')) };
    if (err.httpStatus === 403) return { result: ok(id, 'Atlas credentials valid (authenticated; see roles below)') };
    return { result: fail(id, `Atlas answered listGroups with ${err.httpStatus ?? ''} ${err.errorCode}`) };
  }
}

interface RoleProbe {
  feature: string;
  role: string;
  /** Failing this one is a warning: the product goes on without it, saying so. */
  optional?: true;
  read: (atlas: AtlasClient, where: { groupId: string; clusterName: string }) => Promise<unknown>;
}

const PROBES: RoleProbe[] = [
  {
    feature: 'estate report (listGroups)',
    role: 'Organization Read Only',
    read: (a) => a.request('listProjects', { path: {}, query: { itemsPerPage: 1 } }),
  },
  {
    feature: 'clusters (every run)',
    role: 'Project Read Only',
    read: (a, w) => a.request('listClusters', { path: { groupId: w.groupId }, query: { itemsPerPage: 1 } }),
  },
  {
    feature: 'backup (snapshots)',
    role: 'Project Backup Manager',
    read: (a, w) => a.request('listBackupSnapshots', { path: w, query: { itemsPerPage: 1 } }),
  },
  {
    feature: 'export (export buckets and jobs)',
    role: 'Project Backup Manager',
    read: (a, w) => a.request('listBackupExports', { path: w, query: { itemsPerPage: 1 } }),
  },
  {
    feature: 'restore (restore jobs)',
    role: 'Project Backup Manager',
    read: (a, w) => a.request('listBackupRestoreJobs', { path: w, query: { itemsPerPage: 1 } }),
  },
  {
    feature: 'verification (temporary database users)',
    role: 'Project Database Access Admin',
    read: (a, w) => probeUserAdmin((op, args) => a.request(op, args), w.groupId),
  },
  {
    feature: 'compliance policy (pre-flight, prune)',
    role: 'Project Owner',
    optional: true,
    read: (a, w) => a.request('getCompliancePolicy', { path: { groupId: w.groupId } }),
  },
];

async function probe(atlas: AtlasClient, p: RoleProbe, where: { groupId: string; clusterName: string }) {
  const id = `atlas.role.${p.feature.split(' ')[0]}`;
  try {
    await p.read(atlas, where);
    return ok(id, `${p.feature}: allowed (${p.role})`);
  } catch (err) {
    if (err instanceof AtlasApiError && err.httpStatus === 404) return ok(id, `${p.feature}: allowed (${p.role})`);
    if (err instanceof AtlasApiError && err.errorCode === IP_REFUSED)
      return fail('atlas.ip-access-list', ipLine(p.feature));
    if (err instanceof AtlasApiError && err.httpStatus === 403) {
      const line =
        `${p.feature}: these credentials lack ${p.role} on project ${where.groupId} (403 ${err.errorCode}): ` +
        `grant ${p.role} to the service account or API key in Atlas (Project → Access Manager)`;
      return p.optional ? warn(id, line) : fail(id, line);
    }
    return warn(id, `${p.feature}: could not tell (${firstLine(err)})`);
  }
}

/** The cluster the cluster-level probes read: the one given, else the project's first, else a probe name. */
async function probeCluster(atlas: AtlasClient, groupId: string, given?: string): Promise<string> {
  if (given) return given;
  const page = await atlas
    .request('listClusters', { path: { groupId }, query: { itemsPerPage: 1 } })
    .catch(() => undefined);
  return page?.results?.[0]?.name ?? PROBE_NAME;
}

export async function checkRoles(atlas: AtlasClient, groupId: string | undefined, cluster?: string) {
  if (!groupId) return [skip('atlas.roles', 'project roles not checked: give --project <groupId>')];
  const where = { groupId, clusterName: await probeCluster(atlas, groupId, cluster) };
  const results: CheckResult[] = [];
  for (const p of PROBES) results.push(await probe(atlas, p, where));
  return results;
}
