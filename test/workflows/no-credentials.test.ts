// No credential bytes anywhere, in any encoding (issue 12 point 3). The simulator echoes every
// request's headers into its error bodies (the `echoHeaders` fault), so the raw secret, the Basic
// value of the token request, the bearer token and the Digest `response=` reach the worker in
// Atlas's answers. Real dev server, real worker, real HTTP: afterwards none of them may appear in the
// workflow history, the activity failures, `status --json` or the worker's log.
import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtlasAuth } from '../../src/atlas/index.js';
import { DEMO_IDS, type FaultConfig } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { runCli } from '../cli/helpers.js';
import { FAST, startTestSimulator, startTestWorker, temporalClient, uniqueId } from '../helpers/temporal.js';

// Every line the worker logs, with its metadata (errors with message, stack, details and cause).
const logged: string[] = [];
const errorJson = (_k: string, v: unknown) =>
  v instanceof Error ? { ...v, message: v.message, stack: v.stack, cause: v.cause } : v;
function capture(entry: LogEntry): void {
  logged.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {}, errorJson)}`);
}

const FAULTS: FaultConfig = {
  seed: 11,
  operations: {
    // Retryable failures first (they end up in the pending activity and the log), then a refusal.
    oauthToken: { echoHeaders: 1, status500: 0.5 },
    getCluster: { echoHeaders: 1, status500: 0.6 },
    takeSnapshots: { echoHeaders: 1, status403: 1 },
  },
};

/** Text that must carry no credential: the forms we know, and the header shapes by pattern. */
function expectClean(text: string, forms: string[], where: string): void {
  for (const f of forms) expect(text.includes(f), `${where} contains a credential form`).toBe(false);
  expect(text, where).not.toMatch(/Bearer (?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/);
  expect(text, where).not.toMatch(/Basic (?!\[REDACTED\])[A-Za-z0-9+/=]{8,}/);
  expect(text, where).not.toMatch(/response=\\*"?[0-9a-f]{16,}/);
}

describe('credentials never leave the worker, whatever Atlas echoes', () => {
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  beforeAll(async () => {
    // Before any worker exists in this process (the helper's quiet runtime then stays out).
    Runtime.install({ logger: new DefaultLogger('DEBUG', capture) });
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
  });

  async function runEchoed(auth: 'serviceAccount' | 'apiKey') {
    const apiKey = { publicKey: `pk${randomBytes(4).toString('hex')}`, privateKey: randomBytes(18).toString('hex') };
    const env = await startTestSimulator({ faults: FAULTS, auth: { apiKeys: [apiKey] } });
    const workerAuth: AtlasAuth = auth === 'apiKey' ? { kind: 'apiKey', ...apiKey } : env.auth;
    const worker = await startTestWorker(env.sim, workerAuth);
    const workflowId = uniqueId(`echo-${auth}`);
    try {
      const handle = await temporal.client.workflow.start(backupPipeline, {
        taskQueue: worker.taskQueue,
        workflowId,
        args: [{ groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet, ...FAST }],
      });
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      const history = JSON.stringify(await handle.fetchHistory());
      const status = await runCli(['status', workflowId, '--json'], { taskQueue: worker.taskQueue });
      const forms =
        auth === 'apiKey'
          ? [apiKey.privateKey]
          : [env.creds.clientSecret, Buffer.from(`${env.creds.clientId}:${env.creds.clientSecret}`).toString('base64')];
      return { history, status, forms, log: logged.join('\n') };
    } finally {
      await worker.stop();
      await env.sim.stop();
    }
  }

  for (const auth of ['serviceAccount', 'apiKey'] as const) {
    it(`${auth}: no credential form in history, activity failures, status --json or the worker log`, async () => {
      const { history, status, forms, log } = await runEchoed(auth);
      // The echo really reached us (else this test proves nothing): scrubbed headers in the failure.
      expect(history).toContain('Request headers:');
      expect(history).toContain('[REDACTED]');
      expect(history).toContain('IP_ADDRESS_NOT_ON_ACCESS_LIST');
      expect(log).toContain('Request headers:');
      expect(status.stdout).toContain('IP_ADDRESS_NOT_ON_ACCESS_LIST');
      expectClean(history, forms, 'history');
      expectClean(status.stdout + status.stderr, forms, 'status --json');
      expectClean(log, forms, 'worker log');
    });
  }
});
