import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, parseVariant } from '../../../bench/metaVariants';

describe("bench:meta's --variant", () => {
  it('reads a name and the knobs', () => {
    const v = parseVariant('head6={"regimeHeadStart":0.6}');
    assert.equal(v.name, 'head6');
    assert.deepEqual(v.options, { regimeHeadStart: 0.6 });
    assert.match(v.key, /^[0-9a-f]{12}$/);
  });

  it('keys the same options alike whatever their order or the name, and nested values apart', () => {
    const a = parseVariant('a={"decay":0.9,"regimeThresholds":{"coldLabelsPerClass":3,"skewedPoolBalance":0}}');
    const b = parseVariant('b={"regimeThresholds":{"skewedPoolBalance":0,"coldLabelsPerClass":3},"decay":0.9}');
    const c = parseVariant('c={"decay":0.9,"regimeThresholds":{"coldLabelsPerClass":8,"skewedPoolBalance":0}}');
    assert.equal(a.key, b.key);
    assert.notEqual(a.key, c.key);
    assert.equal(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('refuses an unknown knob, naming it and the knobs there are', () => {
    assert.throws(() => parseVariant('x={"regimeHeadstart":0.6}'), /--variant x: unknown knob "regimeHeadstart" \(one of prior, .*regimeHeadStart/);
  });

  it('refuses options that are not a JSON object', () => {
    assert.throws(() => parseVariant('x={regimeHeadStart:0.6}'), /--variant x: the options are not JSON/);
    assert.throws(() => parseVariant('x=[1]'), /--variant x: the options must be a JSON object/);
    assert.throws(() => parseVariant('x=null'), /--variant x: the options must be a JSON object/);
  });

  it('refuses a spec without a name, a bad name, or a reference run\'s name', () => {
    assert.throws(() => parseVariant('{"decay":0.9}'), /expected NAME='\{"knob": value\}'/);
    assert.throws(() => parseVariant('a b={}'), /--variant a b: a name of letters/);
    assert.throws(() => parseVariant('margin={}', ['meta', 'margin', 'random']), /--variant margin: .*not meta, margin, random/);
  });
});
