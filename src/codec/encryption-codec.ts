// AES-256-GCM payload codec (Node's crypto). The whole payload (metadata and data) is serialized
// and encrypted, so not even its original encoding is visible; the outer payload carries only
// `encoding: binary/encrypted` and the id of the key, as in Temporal's encryption samples.
// Layout of the encrypted data: 12-byte random nonce | ciphertext | 16-byte GCM tag.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
// A CommonJS module: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import { KEY_FILE_VAR, KEYS_VAR, type CodecKey, type CodecKeys } from './keys.js';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENCODING_BYTES = Buffer.from(ENCODING_ENCRYPTED);

const PayloadProto = proto.temporal.api.common.v1.Payload;

/** A payload names a key id this process does not hold. */
export class MissingCodecKeyError extends ValueError {
  constructor(
    readonly keyId: string,
    known: string[],
  ) {
    super(
      `payload was encrypted with key id '${keyId}', which is not configured here ` +
        `(configured: ${known.join(', ') || 'none'}). ` +
        `Add '${keyId}' to ${KEYS_VAR} (id:base64key, current key first) or to the keys of ${KEY_FILE_VAR}.`,
    );
  }
}

/** The ciphertext did not authenticate: altered in storage, or different key material under that id. */
export class PayloadAuthenticationError extends ValueError {
  constructor(readonly keyId: string) {
    super(
      `payload encrypted with key id '${keyId}' failed authentication: ` +
        `it was altered, or the key configured as '${keyId}' is not the one that encrypted it`,
    );
  }
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly currentIdBytes: Buffer;

  constructor(private readonly keys: CodecKeys) {
    this.byId = new Map(keys.all.map((k) => [k.id, k.key]));
    this.currentIdBytes = Buffer.from(keys.current.id);
  }

  /** The id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.keys.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p, this.keys.current));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  private encryptOne(payload: Payload, key: CodecKey): Payload {
    const plain = PayloadProto.encode(payload).finish();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
    const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { [METADATA_ENCODING_KEY]: ENCODING_BYTES, [METADATA_KEY_ID]: this.currentIdBytes }, data };
  }

  private decryptOne(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    // Payloads written before encryption was turned on stay readable.
    if (!encoding || Buffer.from(encoding).toString() !== ENCODING_ENCRYPTED) return payload;
    const idBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!idBytes)
      throw new ValueError(`encrypted payload has no '${METADATA_KEY_ID}' metadata: it was not written by this codec`);
    const keyId = Buffer.from(idBytes).toString();
    const key = this.byId.get(keyId);
    if (!key) throw new MissingCodecKeyError(keyId, [...this.byId.keys()]);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadAuthenticationError(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadAuthenticationError(keyId);
    }
    return PayloadProto.decode(plain);
  }
}

export function createEncryptionCodec(keys: CodecKeys): EncryptionCodec {
  return new EncryptionCodec(keys);
}
