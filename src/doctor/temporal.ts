// Temporal: the connection (one cheap call), our search attributes in the namespace, and workers
// polling the task queue (the server lists pollers seen in the last few minutes).
import type { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../contract/index.js';
import { fail, firstLine, ok, type CheckResult } from './check.js';

const { IndexedValueType, TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

export async function checkConnection(connection: Connection, where: string): Promise<CheckResult> {
  try {
    const info = await connection.workflowService.getSystemInfo({});
    return ok(
      'temporal.connection',
      `Temporal at ${where} answers (server ${info.serverVersion || 'unknown version'})`,
    );
  } catch (err) {
    return fail('temporal.connection', `cannot use Temporal at ${where}: ${firstLine(err)}`);
  }
}

export async function checkSearchAttributes(connection: Connection, namespace: string): Promise<CheckResult> {
  const id = 'temporal.search-attributes';
  let custom: Record<string, unknown>;
  try {
    custom = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    return fail(id, `cannot list the search attributes of namespace ${namespace}: ${firstLine(err)}`);
  }
  const wrong = ALL_SEARCH_ATTRIBUTES.filter(
    (k) => custom[k.name] !== undefined && custom[k.name] !== IndexedValueType[`INDEXED_VALUE_TYPE_${k.type}`],
  ).map((k) => `${k.name} (needs ${k.type})`);
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => custom[k.name] === undefined).map((k) => k.name);
  if (wrong.length)
    return fail(id, `namespace ${namespace} has ${wrong.join(', ')} with another type: use another namespace`);
  if (missing.length)
    return fail(
      id,
      `namespace ${namespace} lacks the search attributes ${missing.join(', ')}: run \`atlas-backup setup\` ` +
        '(same --address/--namespace)',
    );
  return ok(id, `namespace ${namespace} has all ${ALL_SEARCH_ATTRIBUTES.length} search attributes`);
}

export async function checkPollers(client: Client, taskQueue: string): Promise<CheckResult> {
  const id = 'temporal.workers';
  const count = async (type: proto.temporal.api.enums.v1.TaskQueueType) =>
    (
      await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: type,
      })
    ).pollers?.length ?? 0;
  try {
    const workflows = await count(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
    const activities = await count(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
    if (workflows > 0 && activities > 0)
      return ok(id, `${workflows} worker(s) poll task queue ${taskQueue} (workflows), ${activities} (activities)`);
    return fail(
      id,
      `no worker polls task queue ${taskQueue} (${workflows} workflow, ${activities} activity pollers): runs will ` +
        `wait; start one with \`atlas-backup worker --task-queue ${taskQueue}\``,
    );
  } catch (err) {
    return fail(id, `cannot describe task queue ${taskQueue}: ${firstLine(err)}`);
  }
}
