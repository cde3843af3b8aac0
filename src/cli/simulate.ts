// Placeholder until the engine lands (owned by the engine work).
export interface SimulateOptions {
  data: string;
  strategy: string;
  seed: number;
  init: number;
  batch: number;
  budget: number;
  testFraction: number;
  model: string;
  device: string;
  vectors?: string;
  split?: string;
  committee: number;
  diversity: boolean;
  out?: string;
}
export async function runSimulate(_opts: SimulateOptions): Promise<void> {
  throw new Error('simulate is not implemented yet');
}
