// The RPO gauges over the whole estate: with an estate source they read every cluster Atlas lists
// (real simulator over HTTP, real Temporal dev server for the runs' side) and judge each by the same
// protection rule `report` uses. The metric sink is a recording meter standing in for Prometheus
// (the worker-metrics suite scrapes the real exporter).
import type { Logger, MetricGauge, MetricMeter, MetricTags } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasClient } from '../../src/atlas/index.js';
import { readEstate } from '../../src/client/estate.js';
import { PacedReads } from '../../src/client/paced-reads.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { LastSuccessGauges } from '../../src/telemetry/index.js';
import { startTestSimulator, temporalClient } from '../helpers/temporal.js';
import { hexId } from '../cli/helpers.js';

const project = hexId();
let sim: RunningSimulator;
let atlas: AtlasClient;
let temporal: Awaited<ReturnType<typeof temporalClient>>;

/** Records every gauge set as `${project}/${cluster}/${kind}` → value (a stand-in for the exporter). */
function recordingMeter(sets: Map<string, number>): MetricMeter {
  const gauge = {
    name: 'recorded',
    set(value: number, tags: MetricTags = {}) {
      sets.set(`${String(tags.project)}/${String(tags.cluster)}/${String(tags.kind)}`, value);
    },
    withTags: () => gauge,
  } as unknown as MetricGauge;
  return { createGauge: () => gauge } as unknown as MetricMeter;
}
const quietLogger = { warn: () => undefined } as unknown as Logger;

beforeAll(async () => {
  const started = await startTestSimulator({
    seed: {
      projects: [
        {
          id: project,
          name: 'gauges',
          clusters: [
            { name: 'g-scheduled', kind: 'replicaSet', snapshots: 2, snapshotAgeHours: 2 },
            { name: 'g-never', kind: 'replicaSet', backupEnabled: false },
            { name: 'g-flex', kind: 'flex', snapshots: 1, snapshotAgeHours: 5 },
          ],
        },
      ],
    },
  });
  sim = started.sim;
  atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
  temporal = await temporalClient();
});
afterAll(async () => {
  await atlas?.close();
  await temporal?.close();
  await sim?.stop();
});

describe('last-success gauges with an estate source', () => {
  it("sets the backup gauge of clusters no run named from Atlas's snapshots, 0 for one never backed up", async () => {
    const sets = new Map<string, number>();
    const gauges = new LastSuccessGauges({
      client: temporal.client,
      meter: recordingMeter(sets),
      logger: quietLogger,
      refreshSeconds: 3600,
      lookbackDays: 1,
      estate: {
        refreshSeconds: 3600,
        read: async () => (await readEstate(new PacedReads(atlas), { projects: [project] })).clusters,
      },
    });
    const before = Date.now() / 1000;
    await gauges.refreshEstate();
    const at = (cluster: string) => sets.get(`${project}/${cluster}/backup`);
    expect(at('g-scheduled')).toBeGreaterThanOrEqual(Math.floor(before - 2 * 3600 - 60));
    expect(at('g-scheduled')).toBeLessThanOrEqual(before - 2 * 3600);
    expect(at('g-flex')).toBeGreaterThanOrEqual(Math.floor(before - 5 * 3600 - 60));
    expect(at('g-flex')).toBeLessThanOrEqual(before - 5 * 3600);
    expect(at('g-never')).toBe(0);
    expect([...sets.keys()].filter((k) => k.startsWith(project)).sort()).toEqual(
      ['g-flex', 'g-never', 'g-scheduled'].map((c) => `${project}/${c}/backup`),
    );
  });
});
