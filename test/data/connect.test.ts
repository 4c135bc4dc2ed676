// Credentials reach the driver in memory only, and no error leaving src/data carries them.
import { describe, expect, it } from 'vitest';
import { connect, DataAccessError, scrub } from '../../src/data/index.js';

const PASSWORD = 'pw-Verify-9f3e1c';

describe('connect and scrub', () => {
  it('removes user:password@ from MongoDB URIs and any given secret from a message', () => {
    const text = `failed mongodb+srv://reader:${PASSWORD}@c0.example.net/?x=1 and mongodb://a:b@h:1,h:2/db`;
    expect(scrub(text)).toBe('failed mongodb+srv://***@c0.example.net/?x=1 and mongodb://***@h:1,h:2/db');
    expect(scrub(`bad auth for ${PASSWORD}`, [PASSWORD])).toBe('bad auth for ***');
  });

  it('fails to connect with a DataAccessError that holds neither the password nor the URI credentials', async () => {
    const uri = `mongodb://reader:${PASSWORD}@127.0.0.1:1/`;
    const err = await connect(uri, undefined, { serverSelectionTimeoutMS: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataAccessError);
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain(PASSWORD);
    expect((err as Error).message).toMatch(/^could not connect to the cluster: /);
    const viaOption = await connect(
      'mongodb://127.0.0.1:1/',
      { username: 'reader', password: PASSWORD },
      {
        serverSelectionTimeoutMS: 300,
      },
    ).catch((e: unknown) => e);
    expect(viaOption).toBeInstanceOf(DataAccessError);
    expect((viaOption as Error).message).not.toContain(PASSWORD);
    expect((viaOption as { cause?: unknown }).cause).toBeUndefined();
  });

  it('refuses a malformed connection string without echoing its password', async () => {
    const err = await connect(`mongodb://reader:${PASSWORD}@`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as Error).message).toMatch(/^invalid connection string: /);
    expect((err as Error).message).not.toContain(PASSWORD);
  });
});
