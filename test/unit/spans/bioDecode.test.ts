import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedAfter, decodeBio, entitiesOfPath, entityProbability, meanTokenEntropy, noEntityProbability } from '../../../src/core/spans/bioDecode';

// One label: tags O = 0, B = 1, I = 2. Three tokens whose per-token argmax is O, I, O — an I-
// after an O, which no valid sequence has.
const probs = [0.5, 0.45, 0.05, 0.3, 0.1, 0.6, 0.9, 0.05, 0.05];
// Every valid sequence's product of posteriors, by hand (I only after B or I):
// OOO .135, OOB .0075, OBO .045, OBB .0025, OBI .0025, BOO .1215, BOB .00675, BBO .0405,
// BBB .00225, BBI .00225, BIO .243, BIB .0135, BII .0135 → Z = .63575.
const Z = 0.63575;

describe('constrained BIO decoding', () => {
  test('Viterbi never puts I- after O: argmax per token says O I O, the constrained decode B I O', () => {
    const lat = decodeBio(probs, 0, 3, 3);
    assert.deepEqual([...lat.path], [1, 2, 0]);
    assert.ok(Math.abs(lat.pathLogProb - Math.log(0.243 / Z)) < 1e-9, `${lat.pathLogProb}`);
  });

  test('marginals, entity probability and P(no entity) match the hand enumeration', () => {
    const lat = decodeBio(probs, 0, 3, 3);
    // P(token 1 = I) = (BIO + BIB + BII) / Z; P(token 2 = I) = (OBI + BBI + BII) / Z.
    assert.ok(Math.abs(lat.marginals[1 * 3 + 2] - (0.243 + 0.0135 + 0.0135) / Z) < 1e-9);
    assert.ok(Math.abs(lat.marginals[2 * 3 + 2] - (0.0025 + 0.00225 + 0.0135) / Z) < 1e-9);
    for (let t = 0; t < 3; t++) assert.ok(Math.abs(lat.marginals[t * 3] + lat.marginals[t * 3 + 1] + lat.marginals[t * 3 + 2] - 1) < 1e-9);
    // Tokens 0..1 as one entity: B I then not I = BIO + BIB.
    assert.ok(Math.abs(entityProbability(lat, 0, 1, 0) - (0.243 + 0.0135) / Z) < 1e-9);
    // Token 0 alone: B then not I = BOO + BOB + BBO + BBB + BBI.
    assert.ok(Math.abs(entityProbability(lat, 0, 0, 0) - (0.1215 + 0.00675 + 0.0405 + 0.00225 + 0.00225) / Z) < 1e-9);
    assert.ok(Math.abs(noEntityProbability(lat) - 0.135 / Z) < 1e-9);
    assert.ok(meanTokenEntropy(lat) > 0);
  });

  test('transitions: I-l only after B-l or I-l, never first; B and O anywhere', () => {
    // Two labels: O 0, B-a 1, I-a 2, B-b 3, I-b 4.
    assert.equal(allowedAfter(-1, 2), false);
    assert.equal(allowedAfter(1, 2), true);
    assert.equal(allowedAfter(2, 2), true);
    assert.equal(allowedAfter(1, 4), false);
    assert.equal(allowedAfter(0, 4), false);
    assert.equal(allowedAfter(4, 3), true);
    assert.equal(allowedAfter(0, 0), true);
  });

  test('entities of a path, one per B- and per label change', () => {
    assert.deepEqual(entitiesOfPath([1, 2, 0, 1, 1, 3, 4]), [
      { a: 0, b: 1, l: 0 },
      { a: 3, b: 3, l: 0 },
      { a: 4, b: 4, l: 0 },
      { a: 5, b: 6, l: 1 },
    ]);
  });

  test('an empty text decodes to nothing', () => {
    const lat = decodeBio([], 0, 0, 3);
    assert.equal(lat.path.length, 0);
    assert.equal(lat.pathLogProb, 0);
    assert.equal(noEntityProbability(lat), 1);
  });
});
