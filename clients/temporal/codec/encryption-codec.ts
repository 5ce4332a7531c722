/**
 * AES-256-GCM payload codec. Every payload the engine hands Temporal (workflow and activity inputs
 * and results, heartbeat details, failures' encoded attributes, memos, summaries) is stored as
 *
 *   metadata: { encoding: "binary/encrypted", "encryption-key-id": <id> }
 *   data:     12-byte nonce ‖ ciphertext of the whole original Payload (proto) ‖ 16-byte GCM tag
 *
 * so the original encoding and metadata come back intact. The last key of TEMPORAL_CODEC_KEYS
 * encrypts; any listed key decrypts, so runs written before a rotation stay readable. A payload
 * that is not encrypted (written before encryption was turned on) passes through decode untouched.
 * Search attributes never pass through a codec: Temporal indexes them, so they stay clear.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { encryptingKey, type CodecKey } from '../../../config/codec-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly encrypting: CodecKey;

  constructor(keys: readonly CodecKey[]) {
    const encrypting = encryptingKey(keys);
    if (!encrypting) throw new ValueError('EncryptionCodec needs at least one key');
    this.encrypting = encrypting;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.encrypting.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(CIPHER, this.encrypting.key, nonce);
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(this.encrypting.id) },
      data: new Uint8Array(sealed),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (!keyId) throw new ValueError('encrypted payload without an encryption-key-id');
    const key = this.keys.get(keyId);
    if (!key) throw new ValueError(`encrypted payload uses key "${keyId}", which TEMPORAL_CODEC_KEYS does not list`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) throw new ValueError(`encrypted payload (key "${keyId}") is too short`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`encrypted payload does not decrypt with key "${keyId}" (wrong key, or altered)`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
