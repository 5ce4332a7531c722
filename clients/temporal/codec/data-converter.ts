/**
 * The data converter of every worker, client and replay of the engine: payloads through the
 * AES-256-GCM codec when keys are configured, failures with their message and stack trace encoded.
 */
import type { DataConverter } from '@temporalio/common';
import type { CodecKey } from '../../../config/codec-keys';
import { EncryptionCodec } from './encryption-codec';

/** The module the SDK loads for failures; the workflow bundle must be built with it too. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function engineDataConverter(keys: readonly CodecKey[]): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(keys.length ? { payloadCodecs: [new EncryptionCodec(keys)] } : {}),
  };
}
