// A Temporal server without task queue rate limits (Temporal's own time-skipping test server, a real
// server process that does not implement UpdateTaskQueueConfig, as older self-hosted servers do not):
// setting a per-project budget fails with one line that says what is missing and what to do, not
// gRPC's bare "12 UNIMPLEMENTED".
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping-server.js';
import { setProjectPace } from '../../src/client/project-pace.js';

let env: TestWorkflowEnvironment | undefined;
beforeAll(async () => {
  const path = await ensureTimeSkippingServer();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

describe('a per-project budget on a server without task queue rate limits', () => {
  it('names what the server lacks and the two ways on', async () => {
    const err = await setProjectPace(env!.client.connection, 'default', 'atlas-backup', 100).then(
      () => expect.fail('expected the server to refuse'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/does not implement task queue rate limits \(UpdateTaskQueueConfig\)/);
    expect(err.message).toMatch(/use a server with task queue fairness/);
    expect(err.message).toMatch(/leave the per-project budget out/);
    expect((err.cause as { code?: number }).code).toBe(12);
  });
});
