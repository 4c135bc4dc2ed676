// The judge of restore targets (pure): Atlas's documented limits on where a dedicated cluster's
// snapshot can go, each refusal naming the field and what to do.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/atlas/index.js';
import { refuseTarget } from '../../src/activities/restore-targets.js';

const cluster = (name: string, extra: Partial<Cluster> = {}): Cluster => ({
  name,
  clusterType: 'REPLICASET',
  mongoDBVersion: '8.0.4',
  ...extra,
});
const region = (providerName: string, instanceSize: string) => ({
  regionConfigs: [{ providerName, electableSpecs: { instanceSize } }],
});

describe('refuseTarget', () => {
  it('lets a replica set into a replica set of the same or a newer release through', () => {
    expect(refuseTarget(cluster('a'), cluster('b'))).toBeUndefined();
    expect(refuseTarget(cluster('a'), cluster('b', { mongoDBVersion: '8.2.1' }))).toBeUndefined();
    expect(refuseTarget(cluster('a', { mongoDBVersion: '7.0.1' }), cluster('b'))).toBeUndefined();
  });

  it('refuses a sharded snapshot into a replica set, and into another number of shards', () => {
    const sharded = cluster('s', { clusterType: 'SHARDED', replicationSpecs: [{}, {}] });
    expect(refuseTarget(sharded, cluster('rs'))).toMatchObject({
      field: 'restore.targetClusterName',
      why: expect.stringMatching(/'rs' is a replica set .*same number of shards/),
    });
    const three = cluster('t', { clusterType: 'SHARDED', replicationSpecs: [{}, {}, {}] });
    expect(refuseTarget(sharded, three)?.why).toMatch(/'t' has 3 shards and the source 's' has 2/);
    expect(refuseTarget(sharded, cluster('u', { clusterType: 'SHARDED', replicationSpecs: [{}, {}] }))).toBeUndefined();
  });

  it('lets a replica set snapshot into a sharded cluster through (no documented refusal)', () => {
    expect(refuseTarget(cluster('rs'), cluster('s', { clusterType: 'SHARDED' }))).toBeUndefined();
  });

  it('refuses free and shared-tier targets, naming the tier', () => {
    const m0 = cluster('free', { replicationSpecs: [region('TENANT', 'M0')] });
    expect(refuseTarget(cluster('a'), m0)?.why).toMatch(/'free' is a M0 cluster: .*dedicated \(M10 or larger\)/);
    const m10 = cluster('ded', { replicationSpecs: [region('AWS', 'M10')] });
    expect(refuseTarget(cluster('a'), m10)).toBeUndefined();
  });

  it('refuses an older release and says which one to upgrade to', () => {
    const r = refuseTarget(cluster('a', { mongoDBVersion: '8.0.4' }), cluster('old', { mongoDBVersion: '7.0.12' }));
    expect(r?.why).toMatch(
      /'old' runs MongoDB 7\.0\.12, older than the source 'a' \(8\.0\.4\).*Upgrade the target to 8\.0/,
    );
  });

  it('judges nothing it cannot read (no version, no replicationSpecs)', () => {
    const bare = { name: 'x' } as Cluster;
    expect(refuseTarget(bare, bare)).toBeUndefined();
  });
});
