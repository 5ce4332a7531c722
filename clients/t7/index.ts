export { SUGGESTIONS_CALL, T7Client, type T7ClientOptions } from './client';
export { topPrediction } from './predictions';
export type { AssetPredictions, Prediction, PredictionResult } from './types';
