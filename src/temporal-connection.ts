// Options for connecting to Temporal (dev server, self-hosted, or Temporal Cloud with an API key
// or mTLS), shared by the worker and the CLI.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionConfig } from './config.js';

export interface ConnectionOptionsLike {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read ${what} at ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function connectionOptions(config: TemporalConnectionConfig): ConnectionOptionsLike {
  const { tls } = config;
  let tlsConfig: TLSConfig | boolean | undefined;
  if (tls) {
    tlsConfig = {
      serverNameOverride: tls.serverName,
      serverRootCACertificate: tls.caPath ? read(tls.caPath, 'TEMPORAL_TLS_CA_PATH') : undefined,
      clientCertPair: tls.certPath && tls.keyPath ? { crt: read(tls.certPath, 'TEMPORAL_TLS_CERT_PATH'), key: read(tls.keyPath, 'TEMPORAL_TLS_KEY_PATH') } : undefined,
    };
  } else if (config.apiKey) {
    // Temporal Cloud's API-key endpoints require TLS.
    tlsConfig = true;
  }
  return { address: config.address, tls: tlsConfig, apiKey: config.apiKey };
}
