// A CLI without codec keys must not start runs in clear into a deployment that encrypts: their
// inputs (clusters, projects, targets) would sit in Temporal's history in plaintext, and the worker
// would still run them. The deployment is the namespace and task queue: the newest of our runs there
// says, by its stored input's encoding, whether its worker and clients encrypt. Checked only when a
// run or schedule is about to be created by a CLI that has no keys.
import type { ClientInterceptors, WorkflowClientInterceptor } from '@temporalio/client';
import type { Connection } from '@temporalio/client';
import { ENCODING_ENCRYPTED, KEY_FILE_VAR, KEYS_VAR } from '../codec/index.js';
import { runsOnTaskQueueQuery } from '../runs/query.js';
import { CliError, EXIT_BAD_INPUT } from './errors.js';

/** The workflow id of the newest run of ours on `taskQueue` whose input is encrypted, if the newest is. */
export async function newestEncryptedRun(
  connection: Connection,
  namespace: string,
  taskQueue: string,
): Promise<string | undefined> {
  const svc = connection.workflowService;
  const listed = await svc.listWorkflowExecutions({ namespace, pageSize: 1, query: runsOnTaskQueueQuery(taskQueue) });
  const execution = listed.executions?.[0]?.execution;
  if (!execution) return undefined;
  const history = await svc.getWorkflowExecutionHistory({ namespace, execution, maximumPageSize: 1 });
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const encoding = started?.input?.payloads?.[0]?.metadata?.encoding;
  const encrypted = encoding && Buffer.from(encoding).toString() === ENCODING_ENCRYPTED;
  return encrypted ? (execution.workflowId ?? undefined) : undefined;
}

/** Refuses (exit 2) to create a run or schedule in clear on a task queue whose runs are encrypted. */
export function plaintextGuard(connection: Connection, namespace: string): ClientInterceptors {
  const checked = new Map<string, Promise<void>>();
  const check = (taskQueue: string) => {
    if (!checked.has(taskQueue))
      checked.set(
        taskQueue,
        newestEncryptedRun(connection, namespace, taskQueue).then((id) => {
          if (id)
            throw new CliError(
              `refused to start in clear: runs on task queue ${taskQueue} are encrypted (e.g. ${id}) and this ` +
                `CLI has no codec keys, so this one's input would be stored in plaintext. Set ${KEYS_VAR} ` +
                `(or ${KEY_FILE_VAR}) to the worker's keys, then run this again.`,
              EXIT_BAD_INPUT,
            );
        }),
      );
    return checked.get(taskQueue)!;
  };
  const workflow: WorkflowClientInterceptor = {
    async start(input, next) {
      await check(input.options.taskQueue);
      return next(input);
    },
    async startWithDetails(input, next) {
      await check(input.options.taskQueue);
      return next(input);
    },
    async signalWithStart(input, next) {
      await check(input.options.taskQueue);
      return next(input);
    },
  };
  return {
    workflow: [workflow],
    schedule: [
      {
        async create(input, next) {
          const { action } = input.options;
          if (action.type === 'startWorkflow') await check(action.taskQueue);
          return next(input);
        },
      },
    ],
  };
}
