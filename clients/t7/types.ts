/** T7's ranked next actions for the assets (edge serials) of a ticket. */

export interface Prediction {
  /** The next action, e.g. `Repair Completed`. */
  name: string;
  probability: number;
}

export interface AssetPredictions {
  asset: string;
  /** Most probable first. */
  predictions: Prediction[];
}

export interface PredictionResult {
  assets: AssetPredictions[];
}
