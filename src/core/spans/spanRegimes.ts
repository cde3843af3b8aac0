import type { Regime, TaskContext } from '../meta/context';
import type { RegimeWording } from '../meta/metaSelector';

/**
 * Arms favoured per regime in the spans task (MetaSelectorOptions.regimeArms). Cold start: random
 * (the representative sample; a tagger of a few records is no guide). Skewed (answered records
 * with entities, or those without, far from their share of the pool) and refining: the
 * committee's disagreement on entities, then MNLP. Measured (bench:al:spans, 10 seeds, before this
 * choice): entity-disagreement was the best fixed span strategy on node-api-entities (47.8 AULC
 * against MNLP's 47.1) and within 0.3 of MNLP on brown-names (68.4 against 68.7), while favouring
 * MNLP when refining put the meta-learner 1.4 below entity-disagreement on node-api-entities,
 * where the tagger refines from the first round. The head start goes to the first arm listed
 * (MNLP only takes over where entity-disagreement is not an arm).
 */
export const SPAN_REGIME_ARMS: Readonly<Record<Regime, readonly string[]>> = {
  'cold-start': ['random'],
  skewed: ['entity-disagreement', 'mnlp'],
  refining: ['entity-disagreement', 'mnlp'],
};

/**
 * What the meta-learner's context means in the spans task (createSpanEngine's stateFor): a label
 * is an answered sentence, its two "classes" are "no entity" and "some entity", and the model's
 * probabilities are the tagger's P(the sentence has an entity). The words say that, not labels
 * per class.
 */
function describeSpanRegime(r: Regime, c: TaskContext): string {
  const answered = `${c.labels} sentence${c.labels === 1 ? '' : 's'} answered`;
  switch (r) {
    case 'cold-start':
      return `cold start: ${answered}, ${c.minClassLabels} of them on the rarer side (with entities or without), too few for the tagger's uncertainty to be trusted`;
    case 'skewed':
      return `skewed answers: one side (sentences with entities, or those without) has ${Math.round(100 * c.poolBalance)} % of the share of answers the tagger expects of it in the pool`;
    case 'refining':
      return `refining: ${answered}, the tagger ${Math.round(100 * c.confidence)} % sure on average whether a sentence holds an entity`;
  }
}

/** The "why" view's words in the spans task, matching SPAN_REGIME_ARMS. */
export const SPAN_WORDING: RegimeWording = {
  describe: describeSpanRegime,
  rationale: {
    'cold-start': 'while few sentences are answered, a representative sample teaches the tagger more than its own uncertainty',
    skewed: 'while the answers hold entities out of proportion to the pool, the entities the committee of taggers disagrees on show where the tagger is wrong',
    refining: 'once the tagger has seen sentences with and without entities, the sentences whose entities its committee of taggers disagrees on teach the most',
  },
};
