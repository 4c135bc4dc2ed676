// `deployment`: the Worker Deployment the workers join (src/worker-deployment.ts). Shows its builds
// (current, ramping, and whether pinned runs still use the others), promotes a build, ramps one.
import { Command, Option } from 'commander';
import { deploymentNameFromEnv } from '../../config.js';
import {
  describeDeployment,
  setCurrentBuild,
  setRampingBuild,
  type DeploymentState,
  type DeploymentTarget,
} from '../../worker-deployment.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, UsageError } from '../errors.js';

interface DeploymentFlags extends GlobalFlags {
  deploymentName?: string;
}

async function withDeployment<T>(cmd: Command, fn: (t: DeploymentTarget) => Promise<T>): Promise<T> {
  const flags = cmd.optsWithGlobals<DeploymentFlags>();
  const deploymentName = flags.deploymentName ?? deploymentNameFromEnv();
  if (!deploymentName)
    throw new UsageError('--deployment-name is required (or set ATLAS_BACKUP_DEPLOYMENT_NAME): the workers join it');
  return withClient(flags, ({ client, namespace }) =>
    fn({ service: client.workflowService, namespace, deploymentName, identity: 'atlas-backup deployment' }),
  );
}

/** One line per build: its role, and for the others whether pinned runs still need its workers. */
export function renderDeployment(s: DeploymentState): string {
  const lines = [`Worker Deployment ${s.name}`];
  lines.push(`  current: ${s.current ?? '(none: runs go to unversioned workers)'}`);
  if (s.ramping) lines.push(`  ramping: ${s.ramping.buildId} (${s.ramping.percentage}% of new runs)`);
  for (const b of s.builds) {
    const role = b.buildId === s.current ? 'current' : b.buildId === s.ramping?.buildId ? 'ramping' : b.status;
    const keep =
      role === 'current' || role === 'ramping'
        ? ''
        : b.drainage === 'drained'
          ? ' — drained: no pinned run needs it, its workers can stop'
          : b.drainage === 'draining'
            ? ' — draining: pinned runs still need its workers'
            : '';
    lines.push(`  build ${b.buildId}: ${role}${keep}`);
  }
  return lines.join('\n');
}

const BUILD = '1.1.0+3f2a9c1d0e4b';
const example = (line: string) => `\nExample:\n  $ atlas-backup deployment ${line}\n`;

export function registerDeployment(program: Command): void {
  const deployment = program
    .command('deployment')
    .description('the Worker Deployment of the workers: show its builds, promote one, ramp one')
    .addOption(new Option('--deployment-name <name>', 'the Worker Deployment (env ATLAS_BACKUP_DEPLOYMENT_NAME)'))
    .addHelpText(
      'after',
      `
Examples:
  $ atlas-backup deployment describe --deployment-name atlas-backup
  $ atlas-backup deployment ramp 1.1.0+3f2a9c1d0e4b 10      # 10% of new runs to the new build
  $ atlas-backup deployment set-current 1.1.0+3f2a9c1d0e4b  # every new run; fleets move at their next task

Pipelines and DR runs finish on the build that started them: keep a build's workers until
describe says it is drained (see CONTRIBUTING.md, "Worker Deployments").`,
    );
  deployment
    .command('describe')
    .description('the current and ramping builds, and whether pinned runs still use the others')
    .addHelpText('after', example('describe --deployment-name atlas-backup'))
    .action(
      act(async (_flags: object, cmd: Command) =>
        withDeployment(cmd, async (t) => {
          const state = await describeDeployment(t);
          if (!state) throw new UsageError(`no Worker Deployment '${t.deploymentName}': no versioned worker joined it`);
          console.log(renderDeployment(state));
          return EXIT_OK;
        }),
      ),
    );
  deployment
    .command('set-current')
    .description('make a build current: new runs start on it, fleets move to it at their next task')
    .argument('<build-id>', 'the build (printed by its worker at start)')
    .addHelpText('after', example(`set-current ${BUILD}`))
    .action(
      act(async (buildId: string, _flags: object, cmd: Command) =>
        withDeployment(cmd, async (t) => {
          await setCurrentBuild(t, buildId);
          console.log(`build ${buildId} is now the current build of ${t.deploymentName}`);
          return EXIT_OK;
        }),
      ),
    );
  deployment
    .command('ramp')
    .description('send a percentage of new runs to a build (0 stops the ramp)')
    .argument('<build-id>', 'the build to ramp')
    .argument('<percentage>', 'of new runs, 0-100')
    .addHelpText('after', example(`ramp ${BUILD} 10`))
    .action(
      act(async (buildId: string, pct: string, _flags: object, cmd: Command) => {
        const percentage = Number(pct);
        if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100)
          throw new UsageError('<percentage> must be a number from 0 to 100');
        return withDeployment(cmd, async (t) => {
          await setRampingBuild(t, percentage === 0 ? '' : buildId, percentage);
          console.log(
            percentage === 0
              ? `no build is ramping in ${t.deploymentName}`
              : `build ${buildId} gets ${percentage}% of new runs in ${t.deploymentName}`,
          );
          return EXIT_OK;
        });
      }),
    );
}
