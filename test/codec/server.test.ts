// The codec server over real HTTP: the bearer token (header or path segment), CORS for the UI's
// origin, the encode/decode round trip, and the `atlas-backup codec-server` process itself.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecKeys, createEncryptionCodec } from '../../src/codec/index.js';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/server.js';
import { killSpawned, runCli, spawnUntil } from '../cli/helpers.js';

afterAll(killSpawned);

const TOKEN = randomBytes(24).toString('base64url');
const UI = 'http://localhost:8233';
const KEY = randomBytes(32).toString('base64');
const codec = createEncryptionCodec(codecKeys([{ id: 'srv-key', key: KEY }]));
const json = (v: unknown) => {
  const p = defaultPayloadConverter.toPayload(v);
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, b]) => [k, Buffer.from(b).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
};
const valueOf = (p: { metadata: Record<string, string>; data: string }) =>
  defaultPayloadConverter.fromPayload({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  });

describe('codec server', () => {
  let server: RunningCodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ codec, token: TOKEN, corsOrigins: [UI] });
  });
  afterAll(() => server?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const auth = { Authorization: `Bearer ${TOKEN}` };

  it('listens on 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 401 without a token or with a wrong one, and never echoes what was sent', async () => {
    const body = { payloads: [json('hello')] };
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: 'Bearer wrong-token-wrong-token' },
      { Authorization: `Basic ${TOKEN}` },
      { Authorization: `Bearer ${TOKEN}x` },
    ]) {
      const res = await post('/decode', body, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('wrong-token');
    }
    expect((await post('/wrong-token-in-path/encode', body)).status).toBe(401);
  });

  it('encodes and decodes through the protocol (token as a header or as the endpoint path)', async () => {
    const value = { clusterName: 'prod-orders', deliveryUrl: 'https://restore.example/d/abc' };
    const enc = await post('/encode', { payloads: [json(value), json(42)] }, auth);
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(encoded.payloads).toHaveLength(2);
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').includes('prod-orders')).toBe(false);
    // What the server encrypted, the library decrypts (and the other way round below).
    expect(
      defaultPayloadConverter.fromPayload(
        (
          await codec.decode([
            {
              metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('srv-key') },
              data: Buffer.from(encoded.payloads[1]!.data, 'base64'),
            },
          ])
        )[0]!,
      ),
    ).toBe(42);
    const dec = await post(`/${encodeURIComponent(TOKEN)}/decode`, encoded, { 'X-Namespace': 'default' });
    expect(dec.status).toBe(200);
    const decoded = (await dec.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(decoded.payloads.map(valueOf)).toEqual([value, 42]);
  });

  it('answers a preflight from the allowed origin, and admits nothing from another origin', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const real = await post('/decode', { payloads: [] }, { ...auth, Origin: UI });
    expect(real.status).toBe(200);
    expect(real.headers.get('access-control-allow-origin')).toBe(UI);

    const evilPreflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect((await post('/decode', { payloads: [] }, { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('rejects a malformed body with 400, an unknown path with 404, a GET with 405', async () => {
    const bad = await fetch(`${server.url}/decode`, { method: 'POST', headers: auth, body: '{"payloads": "nope"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('payloads');
    expect((await post('/other', { payloads: [] }, auth)).status).toBe(404);
    expect((await fetch(`${server.url}/decode`, { headers: auth })).status).toBe(405);
  });

  it('names the missing key id when asked to decode what another key wrote', async () => {
    const other = createEncryptionCodec(codecKeys([{ id: 'retired-key', key: randomBytes(32) }]));
    const [p] = await other.encode([defaultPayloadConverter.toPayload('x')]);
    const res = await post(
      '/decode',
      {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(p!.data!).toString('base64'),
          },
        ],
      },
      auth,
    );
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain("'retired-key'");
    expect(message).not.toContain(KEY);
  });

  it('refuses a short token', async () => {
    await expect(startCodecServer({ codec, token: 'short', corsOrigins: [] })).rejects.toThrow(
      /at least 16 characters/,
    );
  });
});

describe('atlas-backup codec-server', () => {
  const keysEnv = { ATLAS_BACKUP_CODEC_KEYS: `cli-key:${KEY}` };

  it('refuses to start without a token (exit 2), or without keys', async () => {
    const noToken = await runCli(['codec-server', '--port', '0'], {
      env: { ...keysEnv, ATLAS_BACKUP_CODEC_TOKEN: '' },
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('ATLAS_BACKUP_CODEC_TOKEN');
    const noKeys = await runCli(['codec-server', '--port', '0'], {
      env: { ATLAS_BACKUP_CODEC_TOKEN: TOKEN, ATLAS_BACKUP_CODEC_KEYS: '', ATLAS_BACKUP_CODEC_KEY_FILE: '' },
    });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toContain('ATLAS_BACKUP_CODEC_KEYS');
    expect(noKeys.stderr).not.toContain(TOKEN);
  });

  it('serves with the token from the environment until SIGINT, printing neither token nor key', async () => {
    const s = spawnUntil(
      ['codec-server', '--port', '0', '--cors-origin', 'http://localhost:8080'],
      { ...keysEnv, ATLAS_BACKUP_CODEC_TOKEN: TOKEN },
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const [, url] = await s.started;
    const unauthorized = await fetch(`${url}/encode`, { method: 'POST', body: '{"payloads":[]}' });
    expect(unauthorized.status).toBe(401);
    const ok = await fetch(`${url}/encode`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ payloads: [json('x')] }),
    });
    const [p] = ((await ok.json()) as { payloads: { metadata: Record<string, string> }[] }).payloads;
    expect(Buffer.from(p!.metadata['encryption-key-id']!, 'base64').toString()).toBe('cli-key');
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('CORS origins: http://localhost:8080');
    expect(s.output()).not.toContain(TOKEN);
    expect(s.output()).not.toContain(KEY);
  });
});
