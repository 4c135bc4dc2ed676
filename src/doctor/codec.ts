// Codec keys: the newest run on the task queue shows how the deployment writes payloads (encrypted,
// and with which key id). This environment's keys must read it: the same key id, and key material
// that authenticates the payload. Only the key id is ever printed.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import {
  ENCODING_ENCRYPTED,
  METADATA_KEY_ID,
  MissingCodecKeyError,
  PayloadAuthenticationError,
  type EncryptionCodec,
} from '../codec/index.js';
import { listRuns } from '../runs/index.js';
import { fail, firstLine, ok, skip, warn, type CheckResult } from './check.js';

const ID = 'codec.keys';
const KEYS = 'ATLAS_BACKUP_CODEC_KEYS';
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString() : undefined);

/** The first input payload of the newest run on the task queue, with the run's id. */
async function newestInput(client: Client, taskQueue: string) {
  const [run] = await listRuns(client, { taskQueue }, 1);
  if (!run) return undefined;
  const history = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: run.workflowId, runId: run.runId },
    maximumPageSize: 1,
  });
  const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return { workflowId: run.workflowId, payload: payload as Payload | undefined };
}

export async function checkCodec(client: Client, taskQueue: string, codec?: EncryptionCodec): Promise<CheckResult> {
  const here = codec ? `key '${codec.currentKeyId}' set here` : `no ${KEYS} here`;
  let newest;
  try {
    newest = await newestInput(client, taskQueue);
  } catch (err) {
    return warn(ID, `could not read a run to compare codec keys with (${firstLine(err)}); ${here}`);
  }
  if (!newest?.payload) return skip(ID, `no run on task queue ${taskQueue} yet to compare codec keys with; ${here}`);
  const { workflowId, payload } = newest;
  if (text(payload.metadata?.encoding) !== ENCODING_ENCRYPTED)
    return codec
      ? warn(ID, `${here}, but run ${workflowId} is not encrypted: give the workers the same ${KEYS}`)
      : ok(ID, `payloads are not encrypted (run ${workflowId}, and no ${KEYS} here)`);
  const keyId = text(payload.metadata?.[METADATA_KEY_ID]) ?? '?';
  if (!codec)
    return fail(
      ID,
      `run ${workflowId} is encrypted with key '${keyId}' but ${KEYS} is not set here: set the workers' keys`,
    );
  try {
    await codec.decode([payload]);
    return ok(ID, `codec keys match the deployment (run ${workflowId} decrypts with key '${keyId}')`);
  } catch (err) {
    if (err instanceof MissingCodecKeyError || err instanceof PayloadAuthenticationError)
      return fail(
        ID,
        `wrong codec key: run ${workflowId} is encrypted with key '${keyId}' and ${KEYS} here cannot decrypt it ` +
          `(${firstLine(err)}): set the workers' ${KEYS}`,
      );
    return fail(ID, `cannot decode run ${workflowId}'s input: ${firstLine(err)}`);
  }
}
