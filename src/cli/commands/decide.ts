// `approve`, `reject`: decide the restore a disaster-recovery run is waiting on. Temporal Updates,
// so the operator learns at once whether the run took the decision.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { approveUpdate, rejectUpdate } from '../../contract/index.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, CliError, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { existingRun } from '../runs.js';
import { processEnv } from '../../config.js';

/** Who runs this command: $ATLAS_BACKUP_OPERATOR, else the OS user (recorded with decisions and consent). */
export const operatorName = () => processEnv().ATLAS_BACKUP_OPERATOR ?? userInfo().username;
const decisionBy = (by: string | undefined) => by ?? operatorName();

async function decide(
  kind: 'approve' | 'reject',
  id: string,
  flags: { by?: string; reason?: string },
  cmd: Command,
): Promise<number> {
  const by = decisionBy(flags.by);
  if (!by.trim()) throw new UsageError('--by must name who decides');
  return withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
    const handle = await existingRun(client, id, namespace);
    try {
      const decision = { by, ...(flags.reason ? { reason: flags.reason } : {}) };
      await (kind === 'approve'
        ? handle.executeUpdate(approveUpdate, { args: [decision] })
        : handle.executeUpdate(rejectUpdate, { args: [decision] }));
    } catch (err) {
      // The workflow's validator refuses a decision when the run is not awaiting one.
      if (err instanceof WorkflowUpdateFailedError)
        throw new CliError(`${kind} refused by ${id}: ${err.cause?.message ?? err.message}`, EXIT_RUN_FAILED);
      throw err;
    }
    process.stdout.write(
      `${kind === 'approve' ? 'approved' : 'rejected'} ${id} (by ${by}${flags.reason ? `: ${flags.reason}` : ''})\n`,
    );
    return EXIT_OK;
  });
}

/** The workflow id of a DR run of the simulator's demo cluster, for the help example. */
const EXAMPLE_DR_ID = 'dr-demo-cluster-to-restore-target-65f1a0c0a1b2c3d4e5f60001';

export function registerDecide(program: Command): void {
  for (const kind of ['approve', 'reject'] as const) {
    const reason = kind === 'approve' ? 'INC-1234 confirmed by on-call' : 'wrong target';
    program
      .command(kind)
      .description(
        kind === 'approve'
          ? 'approve the restore a disaster-recovery run (or a backup into a --production target) is waiting on'
          : 'reject it: the run ends without touching the target',
      )
      .argument('<id>', 'workflow id of the disaster-recovery or backup run')
      .option('--by <name>', 'who decides (default $ATLAS_BACKUP_OPERATOR or your user name)')
      .option('--reason <text>', 'why (kept in the run history and report)')
      .addHelpText('after', `\nExample:\n  $ atlas-backup ${kind} ${EXAMPLE_DR_ID} --reason "${reason}"`)
      .action(
        act(async (id: string, flags: { by?: string; reason?: string }, cmd: Command) => decide(kind, id, flags, cmd)),
      );
  }
}
