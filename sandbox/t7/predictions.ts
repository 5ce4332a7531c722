/** The predictions the T7 sandbox makes up when nobody has set them: stable per ticket and asset. */
import { SeededRandom } from '../random';

export const NEXT_ACTIONS = [
  'Repair Completed',
  'Request Completed',
  'Wireless Repair Intervention Needed',
  'Holmdel NOC Investigate',
  'Dispatch Tech On Site',
  'Refer To ISP',
] as const;

export interface SandboxAssetPredictions {
  asset: string;
  predictions: { name: string; probability: number }[];
}

/** The same ticket and asset always get the same ranking, whatever else the sandbox was asked. */
export function inventedPredictions(seed: number, ticketId: number, asset: string): SandboxAssetPredictions {
  const random = new SeededRandom(hash(`${seed}:${ticketId}:${asset}`));
  const actions = [...NEXT_ACTIONS];
  const chosen: string[] = [];
  const count = random.int(2, 4);
  while (chosen.length < count) chosen.push(actions.splice(random.int(0, actions.length - 1), 1)[0] as string);
  const weights = chosen.map(() => random.next() + 0.05);
  const total = weights.reduce((a, b) => a + b, 0);
  const predictions = chosen
    .map((name, i) => ({ name, probability: Math.round(((weights[i] as number) / total) * 1000) / 1000 }))
    .sort((a, b) => b.probability - a.probability);
  return { asset, predictions };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
