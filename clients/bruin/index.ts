export { BruinClient, serialKey, type BruinClientOptions } from './client';
export { BruinTokenSource, TOKEN_CALL, type BruinEndpoint } from './token';
export * from './types';
