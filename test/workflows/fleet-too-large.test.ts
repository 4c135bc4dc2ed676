// A fleet backs up at most MAX_FLEET_CLUSTERS clusters: its input and state are Temporal payloads of
// at most 2 MB. Discovery that finds more fails before its list becomes a payload and before any
// child starts, naming the count and how to narrow it. The real discovery activity and Atlas client
// against a simulator seeded with one cluster too many, over HTTP (MockActivityEnvironment runs it),
// then the same fleet on a real worker and dev server.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { AtlasClient } from '../../src/atlas/index.js';
import {
  fleetBackupInputSchema,
  MAX_FLEET_CLUSTERS,
  type Activities,
  type FleetDiscovery,
} from '../../src/contract/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { fleetBackup } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, startTestWorker, temporalClient, uniqueId } from '../helpers/temporal.js';

const BIG = '65f1a0c0a1b2c3d4e5f6f0b1';
const SMALL = '65f1a0c0a1b2c3d4e5f6f0b2';
let sim: RunningSimulator;
let atlas: AtlasClient;
let acts: Activities;
let auth: Awaited<ReturnType<typeof startTestSimulator>>['auth'];
beforeAll(async () => {
  const started = await startTestSimulator({
    seed: {
      projects: [
        {
          id: BIG,
          name: 'big',
          clusters: Array.from({ length: MAX_FLEET_CLUSTERS + 1 }, (_, i) => ({
            name: `c-${i}`,
            kind: 'replicaSet' as const,
          })),
        },
        { id: SMALL, name: 'small', clusters: [{ name: 'only', kind: 'replicaSet' }] },
      ],
    },
  });
  sim = started.sim;
  auth = started.auth;
  atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
  acts = createActivities(atlas);
}, 120_000);
afterAll(async () => {
  await atlas?.close();
  await sim?.stop();
});

const env = () => new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

describe(`a fleet of more than ${MAX_FLEET_CLUSTERS} clusters`, () => {
  it('discovery that finds more fails, non-retryable, naming the count and how to narrow it', async () => {
    const err = await env()
      .run(acts.discoverClusters, { projects: [BIG], filter: {} })
      .then(
        () => expect.fail('expected discovery to refuse'),
        (e: unknown) => e as ApplicationFailure,
      );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'FleetTooLarge', nonRetryable: true });
    expect(err.message).toContain(`discovery found ${MAX_FLEET_CLUSTERS + 1} clusters`);
    expect(err.message).toMatch(/none was started: narrow it \(targets\.projects, filter\.namePattern/);
    // A filter that brings it under the limit is the way on.
    const narrowed: FleetDiscovery = await env().run(acts.discoverClusters, {
      projects: [BIG],
      filter: { namePattern: 'c-1*' },
    });
    expect(narrowed.clusters.length).toBeGreaterThan(1000);
    expect(narrowed.clusters.length).toBeLessThanOrEqual(MAX_FLEET_CLUSTERS);
  });

  it('an explicit list longer than the limit is refused by the input schema, naming the field', () => {
    const clusters = Array.from({ length: MAX_FLEET_CLUSTERS + 1 }, (_, i) => ({
      groupId: SMALL,
      clusterName: `c${i}`,
    }));
    const parsed = fleetBackupInputSchema().safeParse({ targets: { clusters } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join('\n')).toMatch(
      /targets\.clusters must list at most 10000 clusters .*split the list into several fleets/,
    );
    expect(fleetBackupInputSchema().safeParse({ targets: { clusters: clusters.slice(1) } }).success).toBe(true);
  });

  it('a fleet whose discovery finds more fails with that message and starts no child', async () => {
    const worker = await startTestWorker(sim, auth);
    const temporal = await temporalClient();
    try {
      const fleetId = uniqueId('fleet-too-large');
      const err = await temporal.client.workflow
        .execute(fleetBackup, {
          taskQueue: worker.taskQueue,
          workflowId: fleetId,
          args: [{ ...FAST, targets: { projects: [BIG] } }],
        })
        .then(
          () => expect.fail('expected the fleet to fail'),
          (e: unknown) => e as WorkflowFailedError,
        );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(err.cause).toMatchObject({ type: 'FleetTooLarge' });
      expect(err.cause?.message).toContain(
        `fleet discovery failed, no cluster was started: discovery found ${MAX_FLEET_CLUSTERS + 1} clusters`,
      );
      // The fleet's own history, durable once it has failed (visibility may lag): it started no child.
      const history = await temporal.client.workflow.getHandle(fleetId).fetchHistory();
      const events = history.events ?? [];
      expect(events.some((e) => e.activityTaskCompletedEventAttributes || e.activityTaskFailedEventAttributes)).toBe(
        true,
      );
      expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    } finally {
      await temporal.close();
      await worker.stop();
    }
  });
});
