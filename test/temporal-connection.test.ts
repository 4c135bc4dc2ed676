// The Temporal connection from Temporal's standard variables and TOML profile file (through
// @temporalio/envconfig), the deprecated names, the CLI flags over both, and the errors that name
// the variable. The last tests connect the real CLI to the run's dev server through a profile.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { temporalConfig } from '../src/cli/connect.js';
import {
  connectionOptions,
  resolveTemporalConnection,
  type TemporalConnectionConfig,
} from '../src/temporal-connection.js';
import { hexId, ROOT, runCli } from './cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'atlas-backup-envconfig-'));
/** A file with made-up contents (envconfig hands the bytes to the SDK; PEM is parsed only at connect). */
function file(name: string, text = `${name}-${randomBytes(4).toString('hex')}`): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, bytes: Buffer.from(text) };
}
const cert = file('client.pem');
const key = file('client.key');
const ca = file('ca.pem');

function resolved(env: Record<string, string>, warnings: string[] = []): TemporalConnectionConfig {
  const r = resolveTemporalConnection(env, (m) => warnings.push(m));
  expect(r.problems).toEqual([]);
  return r.config!;
}
function problems(env: Record<string, string>): string[] {
  const r = resolveTemporalConnection(env, () => {});
  expect(r.config).toBeUndefined();
  return r.problems;
}

const profileFile = file(
  'temporal.toml',
  `[profile.default]
address = "default-host:7233"

[profile.prod]
address = "prod.tmprl.example:7233"
namespace = "prod-ns"
[profile.prod.tls]
client_cert_path = "${cert.path}"
client_key_path = "${key.path}"
server_name = "prod.tmprl.example"
`,
);

describe('Temporal connection from the standard variables', () => {
  it('defaults to the local dev server without TLS', () => {
    const c = resolved({});
    expect(c).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
    expect(connectionOptions(c)).toMatchObject({ address: 'localhost:7233', tls: undefined, apiKey: undefined });
  });

  it('hands mTLS files, server name and gRPC metadata from the variables to the connection options', () => {
    const c = resolved({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert.path,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key.path,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.path,
      TEMPORAL_TLS_SERVER_NAME: 'ns.acct.tmprl.cloud',
      TEMPORAL_GRPC_META_X_TENANT: 'blue',
    });
    expect(c.namespace).toBe('ns.acct');
    const o = connectionOptions(c);
    expect(o.address).toBe('ns.acct.tmprl.cloud:7233');
    expect(o.metadata).toEqual({ 'x-tenant': 'blue' });
    expect(o.tls).toMatchObject({ serverNameOverride: 'ns.acct.tmprl.cloud' });
    const tls = o.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array }; serverRootCACertificate: Uint8Array };
    expect(Buffer.from(tls.clientCertPair.crt)).toEqual(cert.bytes);
    expect(Buffer.from(tls.clientCertPair.key)).toEqual(key.bytes);
    expect(Buffer.from(tls.serverRootCACertificate)).toEqual(ca.bytes);
  });

  it('turns TLS on for an API key, unless TEMPORAL_TLS=false says otherwise', () => {
    const apiKey = randomBytes(8).toString('hex');
    expect(connectionOptions(resolved({ TEMPORAL_API_KEY: apiKey }))).toMatchObject({ apiKey, tls: true });
    const off = resolved({ TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS: 'false' });
    expect(connectionOptions(off)).toMatchObject({ apiKey, tls: false });
    expect(connectionOptions(resolved({ TEMPORAL_TLS: 'true' })).tls).toMatchObject({ clientCertPair: undefined });
  });

  it('treats a blank variable as unset', () => {
    const c = resolved({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: ' ' });
    expect(c).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
  });
});

describe('Temporal connection from a TOML profile file', () => {
  it('takes address and namespace from the profile TEMPORAL_PROFILE names, and its TLS to the options', () => {
    const c = resolved({ TEMPORAL_CONFIG_FILE: profileFile.path, TEMPORAL_PROFILE: 'prod' });
    expect(c).toMatchObject({ address: 'prod.tmprl.example:7233', namespace: 'prod-ns' });
    const tls = connectionOptions(c).tls as { serverNameOverride: string; clientCertPair: { crt: Uint8Array } };
    expect(tls.serverNameOverride).toBe('prod.tmprl.example');
    expect(Buffer.from(tls.clientCertPair.crt)).toEqual(cert.bytes);
  });

  it('uses the default profile without TEMPORAL_PROFILE, and a variable beats the profile', () => {
    const byDefault = resolved({ TEMPORAL_CONFIG_FILE: profileFile.path });
    expect(byDefault).toMatchObject({ address: 'default-host:7233', namespace: 'default' });
    const c = resolved({ TEMPORAL_CONFIG_FILE: profileFile.path, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'ns' });
    expect(c).toMatchObject({ address: 'prod.tmprl.example:7233', namespace: 'ns' });
  });

  it('finds the default file under $HOME/.config/temporalio/temporal.toml', () => {
    const home = mkdtempSync(join(tmpdir(), 'atlas-backup-home-'));
    mkdirSync(join(home, '.config', 'temporalio'), { recursive: true });
    const toml = join(home, '.config', 'temporalio', 'temporal.toml');
    writeFileSync(toml, '[profile.default]\naddress = "home-host:7233"\n');
    expect(resolved({ HOME: home }).address).toBe('home-host:7233');
  });

  it('names TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE and bad TOML without quoting the file', () => {
    expect(problems({ TEMPORAL_CONFIG_FILE: profileFile.path, TEMPORAL_PROFILE: 'staging' })).toEqual([
      `TEMPORAL_PROFILE: no profile 'staging' in TEMPORAL_CONFIG_FILE (${profileFile.path})`,
    ]);
    const absent = join(dir, 'absent.toml');
    expect(problems({ TEMPORAL_CONFIG_FILE: absent })).toEqual([`TEMPORAL_CONFIG_FILE: no file at ${absent}`]);
    const secret = randomBytes(12).toString('hex');
    const bad = file('bad.toml', `[profile.default]\napi_key = "${secret}\n`);
    const [line] = problems({ TEMPORAL_CONFIG_FILE: bad.path });
    expect(line).toMatch(/^TEMPORAL_CONFIG_FILE: not valid TOML at line 2, column \d+$/);
    expect(line).not.toContain(secret);
  });
});

describe('Temporal connection errors name the variable', () => {
  it('a certificate file that is not there', () => {
    const absent = join(dir, 'absent.pem');
    expect(problems({ TEMPORAL_TLS_CLIENT_CERT_PATH: absent, TEMPORAL_TLS_CLIENT_KEY_PATH: key.path })).toEqual([
      `TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read ${absent} (ENOENT)`,
    ]);
    expect(problems({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: absent })).toEqual([
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${absent} (ENOENT)`,
    ]);
    const toml = file('nc.toml', `[profile.p.tls]\nclient_cert_path = "${absent}"\nclient_key_path = "${key.path}"`);
    expect(problems({ TEMPORAL_CONFIG_FILE: toml.path, TEMPORAL_PROFILE: 'p' })).toEqual([
      `tls.client_cert_path in profile 'p' of ${toml.path}: cannot read ${absent} (ENOENT)`,
    ]);
  });

  it('a certificate without its key, a bad address and a bad TEMPORAL_TLS, never echoing a value', () => {
    const secret = `sk-${randomBytes(12).toString('hex')}`;
    const p = problems({
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert.path,
      TEMPORAL_ADDRESS: secret,
      TEMPORAL_TLS: 'yes',
      TEMPORAL_API_KEY: secret,
    });
    expect(p).toEqual([
      'TEMPORAL_ADDRESS: must be host:port, e.g. localhost:7233',
      'TEMPORAL_TLS: must be true or false',
      'TEMPORAL_TLS_CLIENT_KEY_PATH: is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set',
    ]);
    expect(p.join('\n')).not.toContain(secret);
  });
});

describe('deprecated variable names (one release)', () => {
  const old = { TEMPORAL_TLS_CERT_PATH: cert.path, TEMPORAL_TLS_KEY_PATH: key.path, TEMPORAL_TLS_CA_PATH: ca.path };

  it('still work, mapped onto the standard names, with a warning naming old → new and no value', () => {
    const warnings: string[] = [];
    type Tls = { clientCertPair: { key: Uint8Array }; serverRootCACertificate: Uint8Array };
    const tls = connectionOptions(resolved(old, warnings)).tls as Tls;
    expect(Buffer.from(tls.clientCertPair.key)).toEqual(key.bytes);
    expect(Buffer.from(tls.serverRootCACertificate)).toEqual(ca.bytes);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TEMPORAL_TLS_CERT_PATH → TEMPORAL_TLS_CLIENT_CERT_PATH');
    expect(warnings[0]).toContain('TEMPORAL_TLS_KEY_PATH → TEMPORAL_TLS_CLIENT_KEY_PATH');
    expect(warnings[0]).toContain('TEMPORAL_TLS_CA_PATH → TEMPORAL_TLS_SERVER_CA_CERT_PATH');
    expect(warnings[0]).not.toContain(dir);
  });

  it('lose to the standard name when both are set, and name the variable the user set in errors', () => {
    const other = file('other-ca.pem');
    const c = resolved({ ...old, TEMPORAL_TLS_SERVER_CA_CERT_PATH: other.path });
    const tls = connectionOptions(c).tls as { serverRootCACertificate: Uint8Array };
    expect(Buffer.from(tls.serverRootCACertificate)).toEqual(other.bytes);
    expect(problems({ TEMPORAL_TLS_CERT_PATH: cert.path })).toEqual([
      'TEMPORAL_TLS_CLIENT_KEY_PATH: is required when TEMPORAL_TLS_CLIENT_CERT_PATH is set',
    ]);
  });

  it('warn once per process on stderr, however often the configuration is read', () => {
    const script = `import { temporalConfigFromEnv } from './src/config.ts';
      temporalConfigFromEnv(); temporalConfigFromEnv(); console.log('read twice');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...old },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).toContain('read twice');
    expect(r.stderr.match(/deprecated variable names/g)).toHaveLength(1);
    expect(r.stderr).not.toContain(dir);
  });
});

describe('CLI flags over the environment and the profile', () => {
  it('map onto the standard names and win', () => {
    const env = {
      TEMPORAL_CONFIG_FILE: profileFile.path,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_ADDRESS: 'env-host:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.path,
    };
    const other = file('flag-ca.pem');
    const flags = { address: 'flag-host:7233', namespace: 'flag-ns', tlsCa: other.path, tlsServerName: 'flag-host' };
    const c = temporalConfig(flags, env);
    expect(c).toMatchObject({ address: 'flag-host:7233', namespace: 'flag-ns' });
    const tls = connectionOptions(c).tls as { serverNameOverride: string; serverRootCACertificate: Uint8Array };
    expect(tls.serverNameOverride).toBe('flag-host');
    expect(Buffer.from(tls.serverRootCACertificate)).toEqual(other.bytes);
  });

  it('connect the real CLI to the dev server through a profile, and with --address over a dead variable', async () => {
    const dev = inject('temporalAddress');
    const toml = file('dev.toml', `[profile.dev]\naddress = "${dev}"\n\n[profile.dead]\naddress = "127.0.0.1:9"\n`);
    const env = { TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', TEMPORAL_CONFIG_FILE: toml.path };
    const list = ['list', '--project', hexId(), '--json'];
    const viaProfile = await runCli(list, { env: { ...env, TEMPORAL_PROFILE: 'dev' } });
    expect(viaProfile.stderr).toBe('');
    expect(viaProfile.code).toBe(0);
    // The profile is what decides: the other one points nowhere.
    const dead = await runCli(list, { env: { ...env, TEMPORAL_PROFILE: 'dead' } });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('Cannot reach Temporal at 127.0.0.1:9');
    const viaFlag = await runCli(['--address', dev, ...list], { env: { TEMPORAL_ADDRESS: '127.0.0.1:9' } });
    expect(viaFlag.stderr).toBe('');
    expect(viaFlag.code).toBe(0);
  });
});
