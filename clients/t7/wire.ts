/**
 * T7's suggestion payloads. Older versions answered `{assetId, predictions}` per asset (or an
 * `error` instead of predictions when the model had nothing to say); later ones
 * `{asset, task_results}`. Both become the same typed result.
 */
import { z } from 'zod';
import type { AssetPredictions, PredictionResult } from './types';

const prediction = z.object({ name: z.string(), probability: z.number() });

const assetEntry = z
  .object({
    asset: z.string().nullish(),
    assetId: z.string().nullish(),
    task_results: z.array(prediction).nullish(),
    predictions: z.array(prediction).nullish(),
  })
  .refine((entry) => Boolean(entry.asset ?? entry.assetId), { message: 'expected asset or assetId', path: ['asset'] })
  .transform(
    (entry): AssetPredictions => ({
      asset: (entry.asset ?? entry.assetId) as string,
      predictions: [...(entry.task_results ?? entry.predictions ?? [])].sort((a, b) => b.probability - a.probability),
    }),
  );

export const suggestionsResponse = z
  .object({ assets: z.array(assetEntry) })
  .transform((r): PredictionResult => ({ assets: r.assets }));
