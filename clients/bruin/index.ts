export { BruinClient, type BruinClientOptions } from './client';
export { BruinTokenSource, TOKEN_CALL } from './token';
export * from './types';
