import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../../config';
import { searchAttributeDefinitions, type SearchAttributeKind } from './temporal-config';
import { temporal } from '@temporalio/proto';

type TemporalConfig = Config['temporal'];

export function tlsOptions(config: TemporalConfig): TLSConfig | undefined {
  if (!config.tls) return undefined;
  return {
    clientCertPair: { crt: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) },
    serverRootCACertificate: config.tls.caPath ? readFileSync(config.tls.caPath) : undefined,
  };
}

export async function connectClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: tlsOptions(config) });
  return new Client({ connection, namespace: config.namespace });
}

export function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address, tls: tlsOptions(config) });
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
