import type { Prediction, PredictionResult } from './types';

/** The most probable next action T7 suggests for this serial, if it knows the asset. */
export function topPrediction(result: PredictionResult, serial: string): Prediction | undefined {
  const wanted = serial.trim().toUpperCase();
  const asset = result.assets.find((a) => a.asset.trim().toUpperCase() === wanted);
  return asset?.predictions.reduce<Prediction | undefined>(
    (best, p) => (best === undefined || p.probability > best.probability ? p : best),
    undefined,
  );
}
