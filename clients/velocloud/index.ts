export { SESSION_COOKIE, VelocloudClient } from './client';
export { VelocloudClients } from './registry';
export { NEVER_CONTACTED } from './schemas';
export type * from './types';
