import type { ActivityDeps } from './deps';
import { createEngineActivities } from './engine';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEngineActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
