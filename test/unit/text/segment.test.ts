import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { segment, type Segment } from '../../../src/core/text/segment';
import { fileSpans } from '../../../src/core/text/spanLocator';
import type { Granularity } from '../../../src/core/types';

function texts(text: string, g: Granularity): string[] {
  return segment(text, g).map((s) => text.slice(s.start, s.end));
}

function assertExactSlices(text: string, segs: Segment[]): void {
  let prevEnd = 0;
  for (const s of segs) {
    assert.ok(s.start >= prevEnd && s.end > s.start && s.end <= text.length, `bad segment ${s.start}..${s.end}`);
    const t = text.slice(s.start, s.end);
    assert.equal(t, t.trim(), 'segments are trimmed');
    prevEnd = s.end;
  }
}

describe('sentence segmentation', () => {
  const cases: [string, string[]][] = [
    ['Mr. Smith went to Washington. He met Dr. Jones there.', ['Mr. Smith went to Washington.', 'He met Dr. Jones there.']],
    ['The U.S. economy grew 3.5 percent. Analysts were surprised.', ['The U.S. economy grew 3.5 percent.', 'Analysts were surprised.']],
    ['He lives in the U.S. The weather is fine.', ['He lives in the U.S.', 'The weather is fine.']],
    ['J. R. R. Tolkien wrote books. They sold well.', ['J. R. R. Tolkien wrote books.', 'They sold well.']],
    ['He said "Go home." Then he left.', ['He said "Go home."', 'Then he left.']],
    ['(This is quoted.) Next one! Really?! Yes.', ['(This is quoted.)', 'Next one!', 'Really?!', 'Yes.']],
    ['"Really?" she asked. It was.', ['"Really?" she asked.', 'It was.']],
    ['It cost $3.50 at 5 p.m. yesterday. Then it rose.', ['It cost $3.50 at 5 p.m. yesterday.', 'Then it rose.']],
    ['See Fig. 3 and No. 7 on p. 12. Visit example.com now... Then stop.', ['See Fig. 3 and No. 7 on p. 12.', 'Visit example.com now...', 'Then stop.']],
    ['The St. Louis team won. Gen. Grant smiled.', ['The St. Louis team won.', 'Gen. Grant smiled.']],
    ['你好。世界很大。', ['你好。', '世界很大。']],
  ];
  for (const [text, want] of cases) {
    test(`splits ${JSON.stringify(text.slice(0, 30))}`, () => {
      assert.deepEqual(texts(text, 'sentence'), want);
      assertExactSlices(text, segment(text, 'sentence'));
    });
  }

  test('a single line break is a hard wrap, a blank line ends the paragraph', () => {
    assert.deepEqual(texts('It was a\nlong day\n\nNew para. Two.', 'sentence'), ['It was a\nlong day', 'New para.', 'Two.']);
  });

  test('Markdown list items are their own spans, without the bullet; a heading is no span', () => {
    assert.deepEqual(texts('# Title\nSome text here.\n- item one\n- item two', 'sentence'), ['Some text here.', 'item one', 'item two']);
  });

  test('in plain text, heading- and list-looking lines still start their own spans, as written', () => {
    const text = '# Title\nSome text here.\n- item one\n- item two';
    assert.deepEqual(segment(text, 'sentence', 'plain').map((s) => text.slice(s.start, s.end)), ['# Title', 'Some text here.', '- item one', '- item two']);
  });

  test('offsets are UTF-16 and slice emoji, CJK and CRLF text exactly', () => {
    const text = '\uFEFF  Hello 😀 world. 👩‍👩‍👧 Family fun!\r\n\r\n日本語の文です。次の文🎉。\r\nLast one.';
    const segs = segment(text, 'sentence');
    assertExactSlices(text, segs);
    assert.deepEqual(
      segs.map((s) => text.slice(s.start, s.end)),
      ['Hello 😀 world.', '👩‍👩‍👧 Family fun!', '日本語の文です。', '次の文🎉。', 'Last one.'],
    );
    // 'Hello' starts after the BOM and two spaces: offsets count UTF-16 units.
    assert.equal(segs[0].start, 3);
    assert.equal(segs[1].start, text.indexOf('👩'));
  });

  test('spans without a letter or digit are dropped', () => {
    assert.deepEqual(texts('Intro.\n\n---\n\n***\n\nOutro.', 'sentence'), ['Intro.', 'Outro.']);
  });
});

describe('line and paragraph segmentation', () => {
  const text = 'first line\n  second line  \r\n\n\n third para\nstill third\n';
  test('line: every non-blank line, trimmed (CR too)', () => {
    assert.deepEqual(texts(text, 'line'), ['first line', 'second line', 'third para', 'still third']);
    assertExactSlices(text, segment(text, 'line'));
  });
  test('paragraph: blocks between blank lines', () => {
    assert.deepEqual(texts(text, 'paragraph'), ['first line\n  second line', 'third para\nstill third']);
    assertExactSlices(text, segment(text, 'paragraph'));
  });
  test('empty and blank texts give no spans', () => {
    for (const g of ['sentence', 'paragraph', 'line'] as const) {
      assert.deepEqual(segment('', g), []);
      assert.deepEqual(segment(' \n\t\n ', g), []);
    }
  });
});

describe('ordered-list lines are a Markdown rule only', () => {
  const wrapped = 'Prices rose sharply in the spring of\n1990. Analysts were surprised by the\nspeed of it.\n';

  test('in a plain .txt file a wrapped line that starts with "1990." continues the sentence', () => {
    const spans = fileSpans('p.txt', wrapped, 'sentence').spans.map((s) => s.text);
    assert.deepEqual(spans, ['Prices rose sharply in the spring of\n1990.', 'Analysts were surprised by the\nspeed of it.']);
  });

  test('in a Markdown file "1." and "9)" still start list items', () => {
    const md = 'Steps to follow\n1. open the file\n9) close it again\n';
    assert.deepEqual(fileSpans('s.md', md, 'sentence').spans.map((s) => s.text), ['Steps to follow', 'open the file', 'close it again']);
    assert.deepEqual(fileSpans('s.txt', md, 'sentence').spans.map((s) => s.text), ['Steps to follow\n1. open the file\n9) close it again']);
  });
});

describe('Markdown structure is not a span', () => {
  const md = [
    '---',
    'title: The clockmaker',
    'tags: [fiction]',
    '---',
    "# The clockmaker's apprentice",
    '',
    'Every clock stopped. Tomas found them.',
    '',
    'A setext heading',
    '================',
    '',
    'Another one',
    '-----------',
    '',
    '- first item here. Second sentence.',
    '* [x] a done task',
    '  continued lazily',
    '    - a nested item',
    '2) an ordered item',
    '',
    '  An indented paragraph still in the list.',
    '',
    'Back to prose.',
    '',
    '    indented code line',
    '    more code',
    '',
    '```js',
    'const x = 1; // fenced code',
    '',
    'still code',
    '```',
    '~~~~',
    'tilde code ``` inside',
    '~~~~',
    '## Closing heading ##',
    'Final words.',
    '',
  ].join('\n');

  test('sentence: front matter, headings and code give no span; list items lose their bullet', () => {
    assert.deepEqual(texts(md, 'sentence'), [
      'Every clock stopped.',
      'Tomas found them.',
      'first item here.',
      'Second sentence.',
      'a done task\n  continued lazily',
      'a nested item',
      'an ordered item',
      'An indented paragraph still in the list.',
      'Back to prose.',
      'Final words.',
    ]);
    assertExactSlices(md, segment(md, 'sentence'));
  });

  test('line and paragraph granularity leave out the same structure', () => {
    assert.deepEqual(texts(md, 'line'), [
      'Every clock stopped. Tomas found them.',
      'first item here. Second sentence.',
      'a done task',
      'continued lazily',
      'a nested item',
      'an ordered item',
      'An indented paragraph still in the list.',
      'Back to prose.',
      'Final words.',
    ]);
    assert.deepEqual(texts(md, 'paragraph'), [
      'Every clock stopped. Tomas found them.',
      'first item here. Second sentence.',
      'a done task\n  continued lazily',
      'a nested item',
      'an ordered item',
      'An indented paragraph still in the list.',
      'Back to prose.',
      'Final words.',
    ]);
  });

  test('a first "---" without a closing line is a thematic break, not front matter', () => {
    assert.deepEqual(texts('---\nNot front matter. It is prose.\n', 'sentence'), ['Not front matter.', 'It is prose.']);
  });

  test('an unclosed fence hides the rest of the file (as Markdown renders it)', () => {
    assert.deepEqual(texts('Before it.\n\n```\ncode forever\n\nStill code.', 'sentence'), ['Before it.']);
  });

  test('an indented line after a paragraph is a wrap, not code', () => {
    assert.deepEqual(texts('A sentence that\n    wraps with indentation.', 'sentence'), ['A sentence that\n    wraps with indentation.']);
  });

  test('the sample corpus heading is not a candidate span of a .md file, but is of a .txt file', () => {
    const text = "# The clockmaker's apprentice\n\nEvery clock in the shop stopped.\n";
    assert.deepEqual(fileSpans('fiction/clockmaker.md', text, 'sentence').spans.map((s) => [s.text, s.start, s.line]), [['Every clock in the shop stopped.', 31, 2]]);
    assert.equal(fileSpans('fiction/clockmaker.txt', text, 'sentence').spans[0].text, "# The clockmaker's apprentice");
  });
});
