/**
 * Connections to Temporal from the settings of config/temporal.ts: the SDK's envconfig turns the
 * client profile into connection options (API key, TLS, gRPC metadata), and every client gets the
 * engine's data converter, so whatever it writes is encrypted and whatever it reads is decrypted.
 */
import { Client, Connection } from '@temporalio/client';
import { toClientOptions } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings } from '../../config';
import { engineDataConverter } from './codec/data-converter';
import { searchAttributeDefinitions, type SearchAttributeKind } from './temporal-config';
import { temporal } from '@temporalio/proto';

/** Address, API key, TLS and metadata, as envconfig derives them from the profile. */
export function connectionOptions(settings: TemporalSettings): NativeConnectionOptions {
  return toClientOptions(settings.profile).connectionOptions;
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(settings));
  return new Client({ connection, namespace: settings.namespace, dataConverter: engineDataConverter(settings.codecKeys) });
}

export function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(settings));
}

const KIND_TO_PROTO: Record<SearchAttributeKind, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the custom search attributes of temporal-config/ that the namespace lacks. Returns the added names. */
export async function ensureSearchAttributes(client: Client): Promise<string[]> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
    namespace: client.options.namespace,
  });
  const missing = Object.entries(searchAttributeDefinitions()).filter(([name]) => !customAttributes?.[name]);
  if (!missing.length) return [];
  await client.connection.operatorService.addSearchAttributes({
    namespace: client.options.namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, kind]) => [name, KIND_TO_PROTO[kind]])),
  });
  return missing.map(([name]) => name);
}
