/**
 * The learning curve and the meta-learner's strategy weights, one point per retrain round, as
 * `.labelwise/curve.jsonl` keeps them (curveLog.ts). Domain data: the host ↔ panel contract
 * takes these types from here, never the reverse. This file imports nothing.
 */

/**
 * Estimated accuracy after a round trained on `labels` labels. In the spans task `accuracy` is the
 * span F1 of the suggestions on the sentences answered since the previous round, before the tagger
 * saw them (spanPrequential.ts), with its precision, recall and sentence count beside it.
 */
export interface CurvePoint {
  readonly labels: number;
  readonly accuracy: number;
  readonly precision?: number;
  readonly recall?: number;
  readonly sentences?: number;
}

/** The meta-learner's weight of each strategy after a round. */
export interface StrategyWeightsPoint {
  readonly round: number;
  readonly labels: number;
  readonly weights: Record<string, number>;
  /**
   * Optional: how many of the spans labeled since the previous round each strategy had picked
   * (what this round was trained on), e.g. {"margin": 9, "random": 1}.
   */
  readonly picks?: Record<string, number>;
}
