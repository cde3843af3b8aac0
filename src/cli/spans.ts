import { writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { InputError } from '../core/errors';
import { defaultSettings } from '../core/settings';
import { readCorpus } from '../core/text/corpus';
import type { Granularity, Logger } from '../core/types';

export interface SpansOptions {
  /** Workspace folder (default: the current folder). */
  root: string;
  out: string;
  /** Checked by commander's choices (main.ts). */
  granularity: Granularity;
  include?: string[];
  exclude?: string[];
  maxFileSizeMb?: number;
}

const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};

/**
 * `labelwise spans`: the corpus's candidate spans as the editor cuts them, one JSON line each with
 * its `span_id`, `file`, `line` (1-based) and `text` — the input a distributed engine encodes
 * into Arrow shards (span_id + vector) for `labelwise.vectors`.
 */
export async function runSpans(opts: SpansOptions, logger: Logger = stderrLogger): Promise<void> {
  const root = resolve(opts.root);
  const include = opts.include ?? defaultSettings.include;
  const exclude = opts.exclude ?? defaultSettings.exclude;
  // The list must not become part of the corpus it lists: the next read would find its records.
  const rel = relative(root, resolve(opts.out)).split(sep).join('/');
  if (!rel.startsWith('../') && rel !== '..' && picomatch(include, { dot: true })(rel) && !(exclude.length > 0 && picomatch(exclude, { dot: true })(rel))) {
    throw new InputError(`--out ${opts.out} lies in the corpus (it matches ${include.join(', ')}); write it outside ${root} or in an excluded folder such as .labelwise/`, opts.out);
  }
  const corpus = await readCorpus({ root, include, exclude, granularity: opts.granularity, maxFileSizeMB: opts.maxFileSizeMb ?? defaultSettings.maxFileSizeMB });
  for (const p of corpus.problems) logger.warn(p.message);
  if (corpus.spans.length === 0) throw new InputError(`${root}: no candidate spans (include ${include.join(', ')})`, root);
  const lines = corpus.spans.map((s) => JSON.stringify({ span_id: s.id, file: s.file, line: s.line + 1, text: s.text }));
  try {
    writeFileSync(opts.out, lines.join('\n') + '\n');
  } catch (e) {
    throw new InputError(`${opts.out}: cannot write the spans (${(e as Error).message})`, opts.out);
  }
  logger.info(`${corpus.spans.length} ${opts.granularity} spans of ${corpus.files.length} files → ${opts.out}`);
}
