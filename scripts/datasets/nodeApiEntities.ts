// node-api-entities (entity spans): sentences of the Node.js API reference with the API names they
// mention marked by kind — TYPE, FUNCTION, MODULE, EVENT, PARAM. Source: npm @types/node (MIT),
// whose JSDoc comments are the Node.js reference docs. The entity candidates are what the docs'
// authors wrote as code (`backticks`, {@link X}); the text keeps the name and drops the marks, so a
// tagger has to find the names in plain prose. The label comes from the package's declarations,
// read with the TypeScript parser, never from the prose:
//   PARAM     a bare name that is a parameter of the declaration the comment documents;
//   EVENT     a quoted string that some declaration takes as an `event`/`eventName` literal;
//   MODULE    a name (or node:name) declared as `declare module '...'`;
//   FUNCTION  a call form `a.b(...)` whose last name is a declared function or method;
//   TYPE      a (qualified) capitalised name whose last part is a declared class, interface, enum or
//             type alias, in @types/node or TypeScript's own ES lib (Promise, Error, Uint8Array…).
// Any other code (`true`, `'utf8'`, `err.code`, expressions) is left as plain, unlabelled text.
// Texts: the prose paragraphs of each comment (the node-api-module cutting), split into sentences;
// sentences of 6–60 words, each text once (a repeated text is dropped), in a fixed shuffled order
// (about 4,500 sentences, 44 % with an entity: 0.044 entities a word, brown-names 0.034).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { createRng, shuffleInPlace } from '../../src/core/learners/rng';
import { commentParagraphs } from './nodeApiModule';
import { packageDir, packageId, wordCount } from './record';

export const API_ENTITY_LABELS = ['TYPE', 'FUNCTION', 'MODULE', 'EVENT', 'PARAM'] as const;
export type ApiEntityLabel = (typeof API_ENTITY_LABELS)[number];

export interface SpanRec {
  text: string;
  spans: { start: number; end: number; label: string }[];
  meta: Record<string, unknown>;
}

/** The names the declarations define, by kind. */
export interface ApiSymbols {
  readonly types: Set<string>;
  readonly functions: Set<string>;
  readonly modules: Set<string>;
  readonly events: Set<string>;
}

export function emptySymbols(): ApiSymbols {
  return { types: new Set(), functions: new Set(), modules: new Set(), events: new Set() };
}

const EVENT_PARAMS = new Set(['event', 'eventName']);

/** Adds the names one declaration file defines. */
export function collectSymbols(sf: ts.SourceFile, into: ApiSymbols, kinds: { typesOnly?: boolean } = {}): void {
  const visit = (node: ts.Node): void => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name) {
      into.types.add(node.name.text);
    } else if (!kinds.typesOnly) {
      if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) && node.name && ts.isIdentifier(node.name)) {
        into.functions.add(node.name.text);
      } else if ((ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) && ts.isIdentifier(node.name) && node.type && ts.isFunctionTypeNode(node.type)) {
        into.functions.add(node.name.text);
      } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
        into.modules.add(node.name.text.replace(/^node:/, ''));
      } else if (ts.isParameter(node) && ts.isIdentifier(node.name) && EVENT_PARAMS.has(node.name.text) && node.type) {
        for (const lit of literalStrings(node.type)) into.events.add(lit);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function literalStrings(type: ts.TypeNode): string[] {
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isUnionTypeNode(type)) return type.types.flatMap(literalStrings);
  return [];
}

/**
 * The kind of one piece of code the docs mention, or null when it names nothing declared.
 * `params`: the parameter names of the documented declaration (a bare name there is a PARAM first:
 * in fs docs `path` is the argument, not the module).
 */
export function classifyReference(code: string, symbols: ApiSymbols, params: ReadonlySet<string>): ApiEntityLabel | null {
  const c = code.trim();
  const quoted = /^(['"])([^'"]+)\1$/.exec(c);
  if (quoted) return symbols.events.has(quoted[2]) ? 'EVENT' : null;
  if (/^[A-Za-z_$][\w$]*$/.test(c) && params.has(c)) return 'PARAM';
  const mod = /^(node:)?([a-z][a-z0-9_]*(?:\/[a-z0-9_]+)*)$/.exec(c);
  if (mod && symbols.modules.has(mod[2])) return 'MODULE';
  const call = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(.*\)$/.exec(c);
  if (call) return symbols.functions.has(lastPart(call[1])) ? 'FUNCTION' : null;
  if (/^(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*$/.test(c) && symbols.types.has(lastPart(c))) return 'TYPE';
  return null;
}

function lastPart(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}

/**
 * Sentences of one paragraph: a cut after . ! or ? followed by a space and a capital, a quote, a
 * bracket or a code mark — never inside `code` (whose dots are member access).
 */
export function splitSentences(paragraph: string): string[] {
  let masked = '';
  let inCode = false;
  for (const ch of paragraph) {
    if (ch === '`') inCode = !inCode;
    masked += inCode && ch !== '`' ? 'x'.repeat(ch.length) : ch;
  }
  const out: string[] = [];
  let from = 0;
  for (const m of masked.matchAll(/(?<=[.!?])\s+(?=[A-Z`"'([])/g)) {
    out.push(paragraph.slice(from, m.index).trim());
    from = m.index + m[0].length;
  }
  out.push(paragraph.slice(from).trim());
  return out.filter((s) => s.length > 0);
}

/**
 * The sentence without its code marks, and the spans of the marked code that `classify` names.
 * Null when the marks do not pair up (the text would be garbled), a marked piece is empty or padded,
 * or a named piece runs into a word (`Buffer`s).
 */
export function stripCodeMarks(sentence: string, classify: (code: string) => ApiEntityLabel | null): Pick<SpanRec, 'text' | 'spans'> | null {
  const parts = sentence.split('`');
  if (parts.length % 2 === 0) return null;
  let text = '';
  const spans: SpanRec['spans'] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      text += parts[i];
      continue;
    }
    if (parts[i].trim() !== parts[i] || parts[i].length === 0) return null;
    const label = classify(parts[i]);
    if (label) spans.push({ start: text.length, end: text.length + parts[i].length, label });
    text += parts[i];
  }
  // `Buffer`s, `read()`ing: the name is part of a longer word, which no tokenizer splits there.
  if (spans.some((sp) => /\w/.test(text[sp.start - 1] ?? '') || /\w/.test(text[sp.end] ?? ''))) return null;
  return { text, spans };
}

const SKIP = /^(index|globals|globals\.typedarray|inspector\.generated|inspector|buffer\.buffer)\.d\.ts$|^(ts5\.\d|compatibility|web-globals)\//;

function declarationFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...declarationFiles(path, root));
    else if (name.endsWith('.d.ts')) out.push(path);
  }
  return out.filter((f) => !/^ts5\.\d|^compatibility\//.test(relative(root, f).replace(/\\/g, '/')));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function parameterNames(node: ts.Node): Set<string> {
  const out = new Set<string>();
  if (ts.isFunctionLike(node)) for (const p of node.parameters) if (ts.isIdentifier(p.name)) out.add(p.name.text);
  return out;
}

/** {@link X} and {@link X text} as code; markdown links keep their (code) text. */
function markReferences(body: string): string {
  return body.replace(/\{@link(?:code|plain)?\s+([^}|\s]+)[^}]*\}/g, '`$1`');
}

export function buildNodeApiEntities(total = 6000, seed = 1): SpanRec[] {
  const dir = packageDir('@types/node');
  const pkg = packageId('@types/node');
  const files = declarationFiles(dir);
  const symbols = emptySymbols();
  for (const f of files) collectSymbols(parse(f), symbols);
  const tsLib = join(packageDir('typescript'), 'lib');
  for (const name of readdirSync(tsLib).sort()) if (/^lib\.es(5|20\d\d(\.\w+)*)\.d\.ts$/.test(name)) collectSymbols(parse(join(tsLib, name)), symbols, { typesOnly: true });

  const recs: SpanRec[] = [];
  for (const file of files) {
    const rel = relative(dir, file).replace(/\\/g, '/');
    if (SKIP.test(rel)) continue;
    const sf = parse(file);
    const seen = new Set<number>();
    const visit = (node: ts.Node): void => {
      for (const doc of ts.getJSDocCommentsAndTags(node)) {
        if (!ts.isJSDoc(doc) || seen.has(doc.pos)) continue;
        seen.add(doc.pos);
        const params = parameterNames(node);
        const raw = sf.text.slice(doc.getStart(sf), doc.end).replace(/^\/\*\*/, '').replace(/\*\/$/, '');
        const line = sf.getLineAndCharacterOfPosition(doc.getStart(sf)).line + 1;
        for (const paragraph of commentParagraphs(markReferences(raw))) {
          for (const sentence of splitSentences(paragraph)) {
            const rec = stripCodeMarks(sentence, (code) => classifyReference(code, symbols, params));
            if (!rec) continue;
            const words = wordCount(rec.text);
            if (words < 6 || words > 60) continue;
            recs.push({ ...rec, meta: { source: pkg, file: rel, line } });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sampleSpanRecords(recs, total, seed);
}

/** Each text once (its first occurrence), then `total` drawn by the seed, in a shuffled order. */
export function sampleSpanRecords(recs: readonly SpanRec[], total: number, seed: number): SpanRec[] {
  const count = new Map<string, number>();
  for (const r of recs) count.set(r.text, (count.get(r.text) ?? 0) + 1);
  // A text that occurs twice is dropped altogether: its copies could be labelled differently (a
  // PARAM in one declaration's comment is plain text in another's) and would leak across the split.
  const unique = recs.filter((r) => count.get(r.text) === 1);
  const order = shuffleInPlace(Int32Array.from(unique.keys()), createRng(seed));
  return [...order.subarray(0, Math.min(total, unique.length))].map((i) => unique[i]);
}
