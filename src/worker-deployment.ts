// Worker Versioning: a worker given a deployment name joins that Worker Deployment with a build id
// (given, or the package version plus a hash of the workflow code), so a run stays on the build
// that started it (PINNED) or moves at its next task (AUTO_UPGRADE, continue-as-new runs) once a
// newer build is promoted. The first build of a deployment makes itself current; later ones wait
// for `atlas-backup deployment set-current` (or `ramp`). Also the promotion and drainage calls
// behind that command, through the Temporal WorkflowService.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import proto, { type temporal } from '@temporalio/proto';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
const { WorkerDeploymentVersionStatus, VersionDrainageStatus } = proto.temporal.api.enums.v1;

/** The folders whose code is the workflow bundle: any change there is a new build. */
export function workflowCodeHash(dirs: string[]): string {
  const hash = createHash('sha256');
  const files = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
      });
  for (const dir of dirs)
    for (const file of files(dir)) hash.update(file.slice(dir.length)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

/** `<version>+<hash>`: the same code gives the same build id on every worker. */
export const defaultBuildId = (version: string, dirs: string[]) => `${version}+${workflowCodeHash(dirs)}`;

/**
 * The worker's deployment options: runs are PINNED to the build that started them unless their
 * workflow says otherwise (the fleet, which continues as new, is AUTO_UPGRADE).
 */
export const deploymentOptions = (deploymentName: string, buildId: string): WorkerDeploymentOptions => ({
  version: { deploymentName, buildId },
  useWorkerVersioning: true,
  defaultVersioningBehavior: 'PINNED',
});

export interface DeploymentTarget {
  service: WorkflowService;
  namespace: string;
  deploymentName: string;
  /** Who makes the change, in the deployment's history. */
  identity: string;
}

export interface BuildSummary {
  buildId: string;
  status: string;
  /** Whether pinned runs still use it (the server's drainage check, refreshed every few minutes). */
  drainage: string;
  /** Running workflow executions on this build, from visibility now (pinned runs keep it busy). */
  running?: number;
}

export interface DeploymentState {
  name: string;
  current?: string;
  ramping?: { buildId: string; percentage: number };
  builds: BuildSummary[];
}

const enumName = (e: Record<number, string>, v: number | null | undefined, prefix: string) =>
  (e[v ?? 0] ?? 'UNSPECIFIED').replace(prefix, '').toLowerCase();

/** The deployment's current and ramping builds and every build it knows; undefined when it does not exist. */
export async function describeDeployment(t: DeploymentTarget): Promise<DeploymentState | undefined> {
  let info;
  try {
    ({ workerDeploymentInfo: info } = await t.service.describeWorkerDeployment({
      namespace: t.namespace,
      deploymentName: t.deploymentName,
    }));
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined; // NOT_FOUND: no worker has joined it yet
    throw err;
  }
  const routing = info?.routingConfig;
  return {
    name: t.deploymentName,
    current: routing?.currentDeploymentVersion?.buildId ?? undefined,
    ...(routing?.rampingDeploymentVersion?.buildId
      ? {
          ramping: {
            buildId: routing.rampingDeploymentVersion.buildId,
            percentage: routing.rampingVersionPercentage ?? 0,
          },
        }
      : {}),
    builds: (info?.versionSummaries ?? []).map((v) => ({
      buildId: v.deploymentVersion?.buildId ?? '',
      status: enumName(WorkerDeploymentVersionStatus, v.status, 'WORKER_DEPLOYMENT_VERSION_STATUS_'),
      drainage: enumName(VersionDrainageStatus, v.drainageInfo?.status, 'VERSION_DRAINAGE_STATUS_'),
    })),
  };
}

/** Makes `buildId` the deployment's current build: new runs (and AUTO_UPGRADE ones) go to it. */
export async function setCurrentBuild(t: DeploymentTarget, buildId: string): Promise<void> {
  await t.service.setWorkerDeploymentCurrentVersion({
    namespace: t.namespace,
    deploymentName: t.deploymentName,
    buildId,
    identity: t.identity,
  });
}

/** Sends `percentage` of new runs to `buildId` (0-100); an empty buildId ends the ramp. */
export async function setRampingBuild(t: DeploymentTarget, buildId: string, percentage: number): Promise<void> {
  await t.service.setWorkerDeploymentRampingVersion({
    namespace: t.namespace,
    deploymentName: t.deploymentName,
    buildId,
    percentage,
    identity: t.identity,
  });
}

/**
 * Once this worker's build is known to the server (its pollers register it), makes it current if
 * the deployment has no current build yet: a first deployment works without a promotion step.
 * Returns whether it did; gives up quietly after `timeoutMs` (someone can still promote it).
 */
export async function becomeCurrentIfNone(t: DeploymentTarget, buildId: string, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const state = await describeDeployment(t).catch(() => undefined);
    if (state?.current) return false;
    // Refused (FAILED_PRECONDITION) until the build has polled every task queue of the deployment.
    const made =
      state?.builds.some((b) => b.buildId === buildId) &&
      (await setCurrentBuild(t, buildId).then(
        () => true,
        (err: unknown) => {
          if ((err as { code?: number }).code === 9) return false;
          throw err;
        },
      ));
    if (made) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
