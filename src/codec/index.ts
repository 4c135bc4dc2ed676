// Encrypted payloads: the one entry point the worker, the CLI, the status helpers and the library
// API use, so every part of the product reads and writes payloads the same way. The codec runs
// outside the workflow sandbox (client and worker `dataConverter.payloadCodecs`): workflow code
// only ever sees plaintext, and Temporal only ever stores ciphertext.
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { createEncryptionCodec, type EncryptionCodec } from './encryption-codec.js';
import { codecKeysFromEnv } from './keys.js';

export {
  createEncryptionCodec,
  EncryptionCodec,
  MissingCodecKeyError,
  PayloadAuthenticationError,
  ENCODING_ENCRYPTED,
  METADATA_KEY_ID,
} from './encryption-codec.js';
import { processEnv } from '../config.js';
export { codecKeys, codecKeysFromEnv, KEY_FILE_VAR, KEYS_VAR, type CodecKey, type CodecKeys } from './keys.js';

/**
 * The failure converter that goes with the codec: failure messages and stack traces travel as an
 * encrypted payload instead of clear text (they name clusters, projects, job ids). A path, because
 * the worker bundles it into the workflow sandbox too.
 */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The codec configured by ATLAS_BACKUP_CODEC_KEYS / ATLAS_BACKUP_CODEC_KEY_FILE, or undefined (off). */
export function codecFromEnv(env: Record<string, string | undefined> = processEnv()): EncryptionCodec | undefined {
  const keys = codecKeysFromEnv(env);
  return keys && createEncryptionCodec(keys);
}

/** The data converter for a codec: payloads encrypted, failure messages encoded so they are too. */
export function encryptedDataConverter(codec: EncryptionCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}

/**
 * The data converter for `new Client({ dataConverter })` and `Worker.create({ dataConverter })`,
 * or undefined when no keys are configured (payloads stay plain JSON, the SDK's default).
 * Throws ConfigError naming the variable when the keys are invalid.
 */
export function dataConverterFromEnv(
  env: Record<string, string | undefined> = processEnv(),
): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec && encryptedDataConverter(codec);
}
