/**
 * The payload keys of the test run. Every worker, client and worker process of the tests encrypts
 * with TEST_CODEC_KEYS (key `test-1`); `test-2` is the key a rotation test adds. The run's codec
 * server (global setup) knows both. Test keys only: they are public in this repository.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../clients/temporal/codec/encryption-codec';
import { parseCodecKeys, type CodecKey } from '../../config/codec-keys';

export const TEST_KEY_1 = 'test-1:Y4adAecrlLGBmNqkDYFzulm5oWa8dBT0nPSp3TKQ19E=';
export const TEST_KEY_2 = 'test-2:6LdUAe7w9bZ3erfTTNhP3gkb7vfaBZYoaaDeWaaOigs=';

/** TEMPORAL_CODEC_KEYS of the tests. */
export const TEST_CODEC_KEYS = TEST_KEY_1;
/** Both keys, `test-2` encrypting: the rotated configuration. */
export const ROTATED_CODEC_KEYS = `${TEST_KEY_1},${TEST_KEY_2}`;

export function codecKeys(value: string): CodecKey[] {
  const problems: string[] = [];
  const keys = parseCodecKeys(value, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  return keys;
}

/** The value of a payload read from the server as stored (describe()'s raw heartbeat details, …), decrypted with the test keys. */
export async function testPayloadValue<T>(payload: Payload): Promise<T> {
  const [decoded] = await new EncryptionCodec(codecKeys(ROTATED_CODEC_KEYS)).decode([payload]);
  return defaultPayloadConverter.fromPayload<T>(decoded!);
}

/** The codec server of this test run (global setup), which knows both test keys. */
export function testCodecUrl(): string {
  const url = process.env.TEMPORAL_TEST_CODEC_URL;
  if (!url) throw new Error('TEMPORAL_TEST_CODEC_URL is not set: run the tests through jest (global setup)');
  return url;
}
