// Credentials from the environment variable names used across the Atlas ecosystem (NOTES.md).
import type { AtlasAuth } from './auth.js';

export interface AtlasEnvConfig {
  baseUrl?: string;
  auth: AtlasAuth;
}

/**
 * Service account if MONGODB_ATLAS_CLIENT_ID/SECRET are set, else API key if
 * MONGODB_ATLAS_PUBLIC_KEY/PRIVATE_KEY are set; a half-set pair is an error naming the missing
 * variable. With neither, auth is `none` only when `allowNone` (a simulator with auth off).
 */
export function atlasConfigFromEnv(env: NodeJS.ProcessEnv = process.env, allowNone = false): AtlasEnvConfig {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const pair = (a: string, b: string): [string, string] | undefined => {
    const x = get(a);
    const y = get(b);
    if (x === undefined && y === undefined) return undefined;
    if (x === undefined || y === undefined) throw new Error(`${x === undefined ? a : b} must be set when ${x === undefined ? b : a} is set`);
    return [x, y];
  };
  const baseUrl = get('MONGODB_ATLAS_BASE_URL');
  const sa = pair('MONGODB_ATLAS_CLIENT_ID', 'MONGODB_ATLAS_CLIENT_SECRET');
  const key = pair('MONGODB_ATLAS_PUBLIC_KEY', 'MONGODB_ATLAS_PRIVATE_KEY');
  let auth: AtlasAuth;
  if (sa) auth = { kind: 'serviceAccount', clientId: sa[0], clientSecret: sa[1] };
  else if (key) auth = { kind: 'apiKey', publicKey: key[0], privateKey: key[1] };
  else if (allowNone) auth = { kind: 'none' };
  else {
    throw new Error(
      'Atlas credentials missing: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (service account) ' +
        'or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (API key)',
    );
  }
  return { ...(baseUrl !== undefined ? { baseUrl } : {}), auth };
}
