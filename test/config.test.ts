// Environment → config: every problem named at once, secret values never echoed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkerConfig, temporalConfigFromEnv } from '../src/config.js';

// Made up for this run: never a real credential, never committed.
const sa = {
  MONGODB_ATLAS_CLIENT_ID: `mdb_sa_id_${randomBytes(4).toString('hex')}`,
  MONGODB_ATLAS_CLIENT_SECRET: `mdb_sa_sk_${randomBytes(16).toString('hex')}`,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('worker configuration from the environment', () => {
  it('applies defaults around a service account', () => {
    const c = loadWorkerConfig(sa);
    expect(c.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
    expect(c.taskQueue).toBe('atlas-backup');
    expect(c.atlas.baseUrl).toBe('https://cloud.mongodb.com');
    expect(c.atlas.auth).toEqual({
      kind: 'serviceAccount',
      clientId: sa.MONGODB_ATLAS_CLIENT_ID,
      clientSecret: sa.MONGODB_ATLAS_CLIENT_SECRET,
    });
  });

  it("paces by Atlas's buckets by default, with 20% headroom; ATLAS_PACE=off leaves the queue alone", () => {
    expect(loadWorkerConfig(sa).pacing).toEqual({ headroom: 0.2, refreshSeconds: 600 });
    expect(loadWorkerConfig({ ...sa, ATLAS_PACE_HEADROOM: '0.1' }).pacing?.headroom).toBe(0.1);
    expect(loadWorkerConfig({ ...sa, ATLAS_PACE: 'off' }).pacing).toBeUndefined();
    const problems = problemsOf({ ...sa, ATLAS_PACE_HEADROOM: '1.5', ATLAS_PACE_REFRESH_SECONDS: '1' });
    expect(problems.some((p) => p.startsWith('ATLAS_PACE_HEADROOM') && p.includes('0.9'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ATLAS_PACE_REFRESH_SECONDS') && p.includes('>= 10'))).toBe(true);
  });

  it('chooses API-key auth when only an API key is set', () => {
    const c = loadWorkerConfig({
      MONGODB_ATLAS_PUBLIC_KEY: 'pubkey',
      MONGODB_ATLAS_PRIVATE_KEY: randomBytes(8).toString('hex'),
    });
    expect(c.atlas.auth.kind).toBe('apiKey');
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({
      TEMPORAL_ADDRESS: 'not an address',
      MONGODB_ATLAS_BASE_URL: 'ftp://x',
      ATLAS_HTTP_TIMEOUT_MS: 'soon',
      MONGODB_ATLAS_CLIENT_ID: 'id-only',
    });
    expect(problems.some((p) => p.startsWith('TEMPORAL_ADDRESS:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MONGODB_ATLAS_BASE_URL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ATLAS_HTTP_TIMEOUT_MS:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MONGODB_ATLAS_CLIENT_SECRET:') && p.includes('required'))).toBe(true);
  });

  it('asks for credentials when none are set', () => {
    const problems = problemsOf({});
    expect(problems.join('\n')).toMatch(/MONGODB_ATLAS_CLIENT_ID.*credentials are missing/);
  });

  it('allows auth off only for a simulator on plain http, never for Atlas itself', () => {
    expect(
      loadWorkerConfig({ MONGODB_ATLAS_AUTH: 'none', MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:8080' }).atlas.auth,
    ).toEqual({ kind: 'none' });
    expect(problemsOf({ MONGODB_ATLAS_AUTH: 'none' }).join()).toMatch(/MONGODB_ATLAS_AUTH.*plain-http/);
    expect(
      problemsOf({ MONGODB_ATLAS_AUTH: 'none', MONGODB_ATLAS_BASE_URL: 'https://cloud.mongodb.com' }).join(),
    ).toMatch(/never with Atlas itself/);
  });

  it('never repeats a secret value in its message', () => {
    const secret = 'super-secret-value-that-must-not-leak';
    const thrown = (() => {
      try {
        loadWorkerConfig({ MONGODB_ATLAS_CLIENT_SECRET: secret, TEMPORAL_ADDRESS: secret });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).not.toContain(secret);
  });

  it('reads the Temporal connection for the CLI without needing Atlas credentials', () => {
    expect(
      temporalConfigFromEnv({
        TEMPORAL_ADDRESS: 'temporal.example:7233',
        TEMPORAL_NAMESPACE: 'prod',
        TEMPORAL_API_KEY: 'k',
      }),
    ).toMatchObject({
      address: 'temporal.example:7233',
      namespace: 'prod',
      apiKey: 'k',
    });
  });

  it('reads only the Temporal variables for the CLI, so a half-set Atlas credential there is not its concern', () => {
    expect(temporalConfigFromEnv({ MONGODB_ATLAS_CLIENT_ID: 'id-only' }).address).toBe('localhost:7233');
    expect(() => temporalConfigFromEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/tmp/cert.pem' })).toThrow(
      /TEMPORAL_TLS_CLIENT_KEY_PATH: is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set/,
    );
  });

  it('stops the worker process at start-up with a message naming the bad variable (exit 2)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: { PATH: process.env.PATH, ...sa, TEMPORAL_ADDRESS: 'nope' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TEMPORAL_ADDRESS: must be host:port');
    expect(r.stderr).not.toContain(sa.MONGODB_ATLAS_CLIENT_SECRET);
  });
});
