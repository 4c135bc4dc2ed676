import { describe, expect, it } from 'vitest';
import { atlasConfigFromEnv } from '../../src/atlas/index.js';

describe('atlasConfigFromEnv', () => {
  it('prefers a service account and reads the base URL', () => {
    const cfg = atlasConfigFromEnv({
      MONGODB_ATLAS_CLIENT_ID: 'id',
      MONGODB_ATLAS_CLIENT_SECRET: 'secret',
      MONGODB_ATLAS_PUBLIC_KEY: 'pub',
      MONGODB_ATLAS_PRIVATE_KEY: 'priv',
      MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:8080',
    });
    expect(cfg).toEqual({ baseUrl: 'http://127.0.0.1:8080', auth: { kind: 'serviceAccount', clientId: 'id', clientSecret: 'secret' } });
  });

  it('falls back to an API key', () => {
    expect(atlasConfigFromEnv({ MONGODB_ATLAS_PUBLIC_KEY: 'pub', MONGODB_ATLAS_PRIVATE_KEY: 'priv' }).auth).toEqual({
      kind: 'apiKey',
      publicKey: 'pub',
      privateKey: 'priv',
    });
  });

  it('names the missing half of a pair without echoing the half that is set', () => {
    expect(() => atlasConfigFromEnv({ MONGODB_ATLAS_CLIENT_SECRET: 'very-secret' })).toThrow(
      'MONGODB_ATLAS_CLIENT_ID must be set when MONGODB_ATLAS_CLIENT_SECRET is set',
    );
    expect(() => atlasConfigFromEnv({ MONGODB_ATLAS_CLIENT_SECRET: 'very-secret' })).not.toThrow(/very-secret/);
  });

  it('refuses to run without credentials unless auth-less mode is allowed', () => {
    expect(() => atlasConfigFromEnv({})).toThrow(/MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET/);
    expect(atlasConfigFromEnv({}, true).auth).toEqual({ kind: 'none' });
  });
});
