export { startT7Sandbox, T7Sandbox, type T7ResponseShape, type T7SandboxOptions } from './server';
export { inventedPredictions, NEXT_ACTIONS, type SandboxAssetPredictions } from './predictions';
