import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WordTable } from '../../../src/core/encoders/wordTable';
import { WordTokenizer, normaliseText } from '../../../src/core/encoders/wordTokenizer';

const words = ['', 'the', 'do', 'not', 'can', 'ca', 'will', 'are', 'we', 'well-known', 'well', 'known', 'co', 'operative', 'cafe', ',', '.', '$', '?', 'it', '“', '”', "'", 'state-of-the-art', 'art'];
const tok = new WordTokenizer(new WordTable(words));

function show(text: string): string[] {
  return tok.tokenize(text).map((t) => `${text.slice(t.start, t.end)}=${t.id === 0 ? '?' : words[t.id]}`);
}

describe('WordTable', () => {
  test('finds every word by its id and misses absent words', () => {
    const table = new WordTable(words);
    for (let id = 1; id < words.length; id++) assert.equal(table.get(words[id]), id, words[id]);
    assert.equal(table.get('absent'), 0);
    assert.equal(table.get(''), 0);
    assert.equal(table.word(9), 'well-known');
  });

  test('keeps the first id of a duplicated word', () => {
    assert.equal(new WordTable(['', 'a', 'b', 'a']).get('a'), 1);
  });
});

describe('WordTokenizer', () => {
  test('lowercases, keeps known hyphenated compounds whole and splits unknown ones', () => {
    assert.deepEqual(show('The well-known co-operative'), ['The=the', 'well-known=well-known', 'co=co', 'operative=operative']);
  });

  test('splits clitics the Penn Treebank way and maps them to words GloVe knows', () => {
    assert.deepEqual(show("Don't"), ['Do=do', "n't=not"]);
    assert.deepEqual(show("can't"), ['ca=can', "n't=not"]);
    assert.deepEqual(show("We're"), ['We=we', "'re=are"]);
    assert.deepEqual(show("it's"), ['it=it']);
  });

  test('treats curly apostrophes like straight ones and strips accents without moving offsets', () => {
    assert.deepEqual(show('We’re at the Café.'), ['We=we', '’re=are', 'at=?', 'the=the', 'Café=cafe', '.=.']);
    const text = 'İstanbul Café';
    assert.equal(normaliseText(text).length, text.length);
  });

  test('keeps numbers with inner separators as one (unknown) token and punctuation as tokens', () => {
    assert.deepEqual(show('$1,000.50?'), ['$=$', '1,000.50=?', '?=?']);
    assert.deepEqual(show('“the”, the.'), ['“=“', 'the=the', '”=”', ',=,', 'the=the', '.=.']);
  });

  test('idsInto leaves unknown words out and reports a full buffer', () => {
    const out = new Int32Array(16);
    const end = tok.idsInto('The unknownword well-known.', out, 0);
    assert.deepEqual(Array.from(out.subarray(0, end)), [1, 9, 16]);
    assert.equal(tok.idsInto('the the the', new Int32Array(2), 0), -1);
    assert.equal(tok.idsInto('   \n\t ', out, 3), 3);
  });

  test('offsets always point at the token text, for any input', () => {
    const texts = ['', 'a', '  x  ', 'state-of-the-art--art', "o'clock 'tis rock'n'roll", '\u0000\ud83d\ude00 emoji', 'A\u00a0B\u2003c', 'ÉCOLE'];
    for (const text of texts) {
      let prev = 0;
      for (const t of tok.tokenize(text)) {
        assert.ok(t.start >= prev && t.end > t.start && t.end <= text.length, `${JSON.stringify(text)} ${t.start}-${t.end}`);
        assert.equal(/\s/.test(text.slice(t.start, t.end)), false);
        prev = t.end;
      }
    }
  });
});
