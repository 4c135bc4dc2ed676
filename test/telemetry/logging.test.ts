// The JSON logger and the telemetry variables, without a server: level filtering, one parseable
// line per event, and scrubbing of credentials, tokens and download URLs wherever they hide.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AtlasClient, AtlasApiError, type AtlasExchange } from '../../src/atlas/index.js';
import { ConfigError, loadWorkerConfig } from '../../src/config.js';
import { JsonLogger, redact } from '../../src/telemetry/index.js';
import { startSimulator, DEMO_IDS, DEMO_SEED } from '../../src/simulator/index.js';

// Dummy credentials made at run time.
const sa = {
  MONGODB_ATLAS_CLIENT_ID: `mdb_sa_id_${randomBytes(4).toString('hex')}`,
  MONGODB_ATLAS_CLIENT_SECRET: `mdb_sa_sk_${randomBytes(12).toString('hex')}`,
};

function capture(level: 'DEBUG' | 'INFO' | 'WARN') {
  const lines: string[] = [];
  const logger = new JsonLogger({ level, write: (l) => lines.push(l) });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with level, message and metadata, filtered by level', () => {
    const { logger, lines, parsed } = capture('INFO');
    logger.debug('not shown', { step: 'x' });
    logger.info('step take-snapshot ok', { workflowId: 'wf-1', runId: 'run-1', step: 'take-snapshot' });
    logger.warn('Atlas takeSnapshots failed', { atlasOperation: 'takeSnapshots', outcome: 'error' });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(parsed()[0]).toMatchObject({
      level: 'info',
      msg: 'step take-snapshot ok',
      workflowId: 'wf-1',
      runId: 'run-1',
    });
    expect(parsed()[1]).toMatchObject({ level: 'warn', atlasOperation: 'takeSnapshots' });
    expect(Date.parse(parsed()[0]!.time as string)).not.toBeNaN();
  });

  it('never writes a download URL, credential or token, in metadata or in text', () => {
    const { logger, lines } = capture('DEBUG');
    const signature = randomBytes(8).toString('hex');
    const url = `https://restore.example.net/dl/abc.tar.gz?Signature=${signature}&Expires=1`;
    logger.info(`restore ready at ${url}`, {
      result: { restore: { deliveryUrl: [url], id: 'r1' } },
      headers: { authorization: 'Bearer eyJhbGciOi.payload.sig' },
      clientSecret: sa.MONGODB_ATLAS_CLIENT_SECRET,
      taskToken: 'CiQwMWEy',
      err: new Error(`GET failed: Bearer abc.def.ghi for ${sa.MONGODB_ATLAS_CLIENT_SECRET}`),
    });
    const out = lines.join('');
    for (const secret of [
      signature,
      'restore.example.net',
      'eyJhbGciOi',
      'abc.def.ghi',
      sa.MONGODB_ATLAS_CLIENT_SECRET,
      'CiQwMWEy',
    ])
      expect(out).not.toContain(secret);
    expect(JSON.parse(out)).toMatchObject({ result: { restore: { deliveryUrl: '[REDACTED]', id: 'r1' } } });
  });

  it('keeps what is not secret as it is', () => {
    expect(redact({ operation: 'takeSnapshots', route: '/api/atlas/v2/groups/{groupId}', n: 3 })).toEqual({
      operation: 'takeSnapshots',
      route: '/api/atlas/v2/groups/{groupId}',
      n: 3,
    });
  });
});

describe('telemetry variables', () => {
  it('are off by default: no metrics address, INFO logs, 60 s gauge refresh', () => {
    expect(loadWorkerConfig(sa).telemetry).toEqual({ logLevel: 'INFO', rpoRefreshSeconds: 60 });
  });

  it('take WORKER_METRICS_ADDRESS, ATLAS_BACKUP_LOG_LEVEL and WORKER_METRICS_RPO_REFRESH_SECONDS', () => {
    const c = loadWorkerConfig({
      ...sa,
      WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
      ATLAS_BACKUP_LOG_LEVEL: 'debug',
      WORKER_METRICS_RPO_REFRESH_SECONDS: '30',
    });
    expect(c.telemetry).toEqual({ metricsAddress: '0.0.0.0:9464', logLevel: 'DEBUG', rpoRefreshSeconds: 30 });
  });

  it('take the estate refresh and the per-project pace of its Atlas reads, and name a refresh too frequent', () => {
    const c = loadWorkerConfig({
      ...sa,
      WORKER_METRICS_ESTATE_REFRESH_SECONDS: '900',
      ATLAS_PROJECT_REQUESTS_PER_MINUTE: '100',
    });
    expect(c.telemetry).toMatchObject({ estateRefreshSeconds: 900, projectRequestsPerMinute: 100 });
    expect(() => loadWorkerConfig({ ...sa, WORKER_METRICS_ESTATE_REFRESH_SECONDS: '5' })).toThrow(
      /WORKER_METRICS_ESTATE_REFRESH_SECONDS: must be >= 60/,
    );
  });

  it('name a bad address or level', () => {
    try {
      loadWorkerConfig({ ...sa, WORKER_METRICS_ADDRESS: 'http://x:9464/metrics', ATLAS_BACKUP_LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/WORKER_METRICS_ADDRESS: must be host:port/);
      expect(problems).toMatch(/ATLAS_BACKUP_LOG_LEVEL: must be one of/);
    }
  });
});

describe('Atlas client observer', () => {
  it('reports each request once, by operation and route template, with status and errorCode', async () => {
    const sim = await startSimulator({ seed: DEMO_SEED, auth: { enabled: false } });
    const seen: AtlasExchange[] = [];
    const client = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'none' }, observer: (e) => seen.push(e) });
    try {
      const { projectId: groupId, replicaSet: clusterName } = DEMO_IDS;
      await client.request('getBackupSchedule', { path: { groupId, clusterName } });
      const missing = client.request('getClusterBackupSnapshot', {
        path: { groupId, clusterName, snapshotId: 'a'.repeat(24) },
      });
      await expect(missing).rejects.toBeInstanceOf(AtlasApiError);
    } finally {
      await client.close();
      await sim.stop();
    }
    expect(seen.map((e) => [e.operation, e.httpStatus, e.errorCode])).toEqual([
      ['getBackupSchedule', 200, undefined],
      ['getClusterBackupSnapshot', 404, expect.any(String)],
    ]);
    expect(seen[1]!.route).toBe('/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/snapshots/{snapshotId}');
    expect(JSON.stringify(seen)).not.toContain(DEMO_IDS.projectId);
  });
});
