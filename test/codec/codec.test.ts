// The AES-256-GCM payload codec and its key configuration, without a server: round trip, rotation,
// tamper detection, errors that name the missing key id or the bad variable (never key material).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import {
  codecKeys,
  codecKeysFromEnv,
  createEncryptionCodec,
  dataConverterFromEnv,
  MissingCodecKeyError,
  PayloadAuthenticationError,
} from '../../src/codec/index.js';

const newKey = () => randomBytes(32).toString('base64');
const SECRET_VALUE = {
  groupId: '65f1a0c0a1b2c3d4e5f60001',
  deliveryUrl: 'https://restore.example/download/very-secret-token',
};
const toPayload = (v: unknown): Payload => defaultPayloadConverter.toPayload(v);
const fromPayload = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('EncryptionCodec', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('round-trips payloads and leaves nothing readable in the encoded form', async () => {
    const codec = createEncryptionCodec(codecKeys([{ id: 'k1', key: k1 }]));
    const original = [toPayload(SECRET_VALUE), toPayload('x'.repeat(10_000)), toPayload(undefined)];
    const encoded = await codec.encode(original);
    for (const p of encoded) {
      expect(text(p.metadata?.encoding)).toBe('binary/encrypted');
      expect(text(p.metadata?.['encryption-key-id'])).toBe('k1');
      expect(Object.keys(p.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-key-id']);
      for (const plain of [SECRET_VALUE.groupId, SECRET_VALUE.deliveryUrl, 'json/plain', 'binary/null'])
        expect(Buffer.from(p.data!).includes(plain)).toBe(false);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map(fromPayload)).toEqual([SECRET_VALUE, 'x'.repeat(10_000), undefined]);
    // A fresh nonce per payload: the same value never encrypts to the same bytes.
    const [a, b] = await codec.encode([toPayload(SECRET_VALUE), toPayload(SECRET_VALUE)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const codec = createEncryptionCodec(codecKeys([{ id: 'k1', key: k1 }]));
    const plain = toPayload(SECRET_VALUE);
    expect(fromPayload((await codec.decode([plain]))[0]!)).toEqual(SECRET_VALUE);
  });

  it('rotates: the new current key encrypts, the old key still decrypts what it wrote', async () => {
    const before = createEncryptionCodec(codecKeys([{ id: 'k1', key: k1 }]));
    const after = createEncryptionCodec(
      codecKeys([
        { id: 'k2', key: k2 },
        { id: 'k1', key: k1 },
      ]),
    );
    const old = await before.encode([toPayload(SECRET_VALUE)]);
    expect(fromPayload((await after.decode(old))[0]!)).toEqual(SECRET_VALUE);
    const fresh = await after.encode([toPayload(SECRET_VALUE)]);
    expect(text(fresh[0]!.metadata?.['encryption-key-id'])).toBe('k2');
    // The retired key alone cannot read what the new key wrote, and says which key it lacks.
    await expect(before.decode(fresh)).rejects.toThrow(MissingCodecKeyError);
  });

  it('names the missing key id, the configured ones and what to configure', async () => {
    const writer = createEncryptionCodec(codecKeys([{ id: 'prod-2026-01', key: k1 }]));
    const reader = createEncryptionCodec(codecKeys([{ id: 'prod-2026-02', key: k2 }]));
    const err = await reader.decode(await writer.encode([toPayload(1)])).then(
      () => new Error('decoded without the key'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(MissingCodecKeyError);
    expect(err.message).toContain("key id 'prod-2026-01'");
    expect(err.message).toContain('configured: prod-2026-02');
    expect(err.message).toContain('ATLAS_BACKUP_CODEC_KEYS');
    expect(err.message).not.toContain(k1);
    expect(err.message).not.toContain(k2);
  });

  it('detects tampering: a flipped bit, a truncated payload, or other key material under the same id', async () => {
    const codec = createEncryptionCodec(codecKeys([{ id: 'k1', key: k1 }]));
    const [good] = await codec.encode([toPayload(SECRET_VALUE)]);
    const flipped = Buffer.from(good!.data!);
    flipped[20]! ^= 0x01;
    await expect(codec.decode([{ ...good, data: flipped }])).rejects.toThrow(PayloadAuthenticationError);
    await expect(codec.decode([{ ...good, data: Buffer.from(good!.data!).subarray(0, 20) }])).rejects.toThrow(
      /key id 'k1' failed authentication/,
    );
    const impostor = createEncryptionCodec(codecKeys([{ id: 'k1', key: k2 }]));
    await expect(impostor.decode([good!])).rejects.toThrow(PayloadAuthenticationError);
  });
});

describe('codec keys from the environment', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('is off when no key variable is set', () => {
    expect(codecKeysFromEnv({})).toBeUndefined();
    expect(dataConverterFromEnv({ ATLAS_BACKUP_CODEC_KEYS: '  ' })).toBeUndefined();
  });

  it('reads id:key pairs, the first one current', () => {
    const keys = codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEYS: ` new:${k2} , old:${k1}` })!;
    expect(keys.current.id).toBe('new');
    expect(keys.all.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys.all[1]!.key.equals(Buffer.from(k1, 'base64'))).toBe(true);
    const converter = dataConverterFromEnv({ ATLAS_BACKUP_CODEC_KEYS: `new:${k2}` });
    expect(converter?.payloadCodecs).toHaveLength(1);
  });

  it('reads a key file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        keys: [
          { id: 'b', key: k2 },
          { id: 'a', key: k1 },
        ],
      }),
    );
    expect(codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEY_FILE: file })!.all.map((k) => k.id)).toEqual(['b', 'a']);
  });

  it('names the variable and the key id of every problem, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const err = configError(() =>
      codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEYS: `a:${short},b:not base64!,a:${k1},bad id:${k2},c` }),
    );
    const all = err.problems.join('\n');
    expect(err.problems.every((p) => p.startsWith('ATLAS_BACKUP_CODEC_KEYS: '))).toBe(true);
    expect(all).toContain("key 'a' must decode to 32 bytes, not 16");
    expect(all).toContain("key 'b' must be standard base64");
    expect(all).toContain("key id 'a' is listed twice");
    expect(all).toContain("key id 'bad id' must be 1-64 characters");
    expect(all).toContain("key 'c' has no key material");
    for (const secret of [short, k1, k2, 'not base64!']) expect(err.message).not.toContain(secret);
  });

  it('names the key file variable for an unreadable, malformed or invalid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, `{"keys": [{"id": "a", "key": "${k1}"`);
    const invalid = join(dir, 'invalid.json');
    const short = randomBytes(8).toString('base64');
    writeFileSync(invalid, JSON.stringify({ keys: [{ id: 'a', key: short }] }));
    expect(
      configError(() => codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEY_FILE: join(dir, 'missing.json') })).problems[0],
    ).toMatch(/^ATLAS_BACKUP_CODEC_KEY_FILE: cannot read .*missing\.json \(ENOENT\)/);
    const malformed = configError(() => codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEY_FILE: bad }));
    expect(malformed.problems[0]).toMatch(/^ATLAS_BACKUP_CODEC_KEY_FILE: .*is not valid JSON$/);
    expect(malformed.message).not.toContain(k1);
    const wrong = configError(() => codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEY_FILE: invalid }));
    expect(wrong.problems).toEqual([
      "ATLAS_BACKUP_CODEC_KEY_FILE: keys: key 'a' must decode to 32 bytes, not 8 " +
        '(generate one with `openssl rand -base64 32`)',
    ]);
    expect(wrong.message).not.toContain(short);
    expect(
      configError(() => codecKeysFromEnv({ ATLAS_BACKUP_CODEC_KEY_FILE: invalid, ATLAS_BACKUP_CODEC_KEYS: `a:${k1}` }))
        .problems[0],
    ).toContain('not both');
  });
});
