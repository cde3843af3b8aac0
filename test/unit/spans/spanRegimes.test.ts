import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TaskContext } from '../../../src/core/meta/context';
import { armReasonText, CLASSIFY_WORDING } from '../../../src/core/meta/metaSelector';
import { SPAN_REGIME_ARMS, SPAN_WORDING } from '../../../src/core/spans/spanRegimes';

// A spans task's context: 40 sentences answered, 12 without entities (the rarer side), 28 with.
const ctx: TaskContext = { labels: 40, classes: 2, labelsPerClass: 20, minClassLabels: 12, balance: 0.6, poolBalance: 0.4, coverage: 0.5, confidence: 0.875 };

describe('the spans task\'s "why" wording', () => {
  test('each regime in terms of sentences and entities', () => {
    assert.equal(
      SPAN_WORDING.describe('cold-start', { ...ctx, labels: 1, minClassLabels: 0 }),
      "cold start: 1 sentence answered, 0 of them on the rarer side (with entities or without), too few for the tagger's uncertainty to be trusted",
    );
    assert.equal(
      SPAN_WORDING.describe('skewed', ctx),
      'skewed answers: one side (sentences with entities, or those without) has 40 % of the share of answers the tagger expects of it in the pool',
    );
    assert.equal(SPAN_WORDING.describe('refining', ctx), 'refining: 40 sentences answered, the tagger 88 % sure on average whether a sentence holds an entity');
  });

  test("a favoured arm's reason is the spans rationale of its regime; classification keeps its own", () => {
    const choice = { regime: 'refining' as const, regimeText: '', arm: 'entity-disagreement', armMean: 0.75, evidence: 3.4, runnerUp: { arm: 'mnlp', mean: 0.5 } };
    assert.equal(
      armReasonText(choice, true, SPAN_WORDING),
      'entity-disagreement is favoured here: once the tagger has seen sentences with and without entities, the sentences whose entities its committee of taggers disagrees on teach the most; its mean reward 0.75 over ~3 recent rewarded picks; next best mnlp 0.50',
    );
    assert.equal(armReasonText(choice, true), armReasonText(choice, true, CLASSIFY_WORDING));
    assert.match(armReasonText(choice, true), /two likeliest labels/);
  });

  test('the rationale names the arm the regime favours', () => {
    const names: Record<string, RegExp> = { random: /representative sample/, mnlp: /MNLP/, 'entity-disagreement': /committee/ };
    for (const r of ['cold-start', 'skewed', 'refining'] as const) assert.match(SPAN_WORDING.rationale[r], names[SPAN_REGIME_ARMS[r][0]], r);
  });
});
