import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LabelwiseError } from '../core/errors';
import { EXPORT_FORMATS, IMPORT_FORMATS } from '../core/store/formats/labelFormats';
import { STRATEGY_CHOICES } from '../core/strategies/strategy';
import { SEMI_SUPERVISED_CHOICES, defaultSettings } from '../core/settings';
import { DEVICES, GRANULARITIES } from '../core/types';
import { ENCODE_FORMATS, runEncode, type EncodeOptions } from './encode';
import { runExport, runImport, type ExportOptions, type ImportOptions } from './export';
import { runSimulate, type SimulateOptions } from './simulate';
import { runSpans, type SpansOptions } from './spans';

function int(name: string): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    return n;
  };
}

/**
 * An option whose value is one of a list: commander refuses anything else before the command runs,
 * naming the option and the allowed values, so the commands receive the precise type.
 */
function choice(flags: string, description: string, choices: readonly string[], fallback: string): Option {
  return new Option(flags, description).choices(choices).default(fallback);
}

function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`must be a number between 0 and 1, got "${v}"`);
  return n;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('labelwise')
    .description('Labelwise: active-learning labeling of text corpora')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('simulate')
    .description('simulate an annotator who answers with the gold label, and print the learning curve as JSON')
    .requiredOption('--data <file>', 'gold JSONL dataset')
    .addOption(choice('--strategy <name>', 'query strategy', STRATEGY_CHOICES, 'meta'))
    .option('--seed <n>', 'random seed', int('--seed'), 1)
    .option('--init <n>', 'random labels to start from', int('--init'), 20)
    .option('--batch <n>', 'spans queried per round', int('--batch'), 10)
    .option('--budget <n>', 'labels to stop at', int('--budget'), 300)
    .option('--test-fraction <f>', 'held-out stratified test fraction', fraction, 0.3)
    .option('--model <id>', 'default (default-mean / default-sif: the embedded model\'s pooling) or a model folder', 'default')
    .addOption(choice('--device <name>', 'where the encoder runs', DEVICES, 'auto'))
    .option('--vectors <path>', 'precomputed vectors: a float32 .npy with one row per record, or Arrow IPC / Parquet shards (a .arrow or .parquet file or a folder of them) with span_id + vector columns')
    .option('--split <file>', 'fixed split {"testIds": [...], "initIds": [...]}')
    .option('--committee <n>', 'committee size', int('--committee'), 5)
    .option('--no-diversity', 'turn off near-duplicate avoidance in batch selection')
    .option('--strategies <list>', 'several strategies on one encoding: comma-separated, or all (meta and every fixed strategy); replaces --strategy, prints one result per line (JSON Lines) and a table on stderr')
    .option('--prior <name>', 'meta: auto (the prior held out from the --data file\'s name when one was trained), default, none, or a prior JSON file', 'auto')
    .option('--lexical <n>', 'columns of the lexical block appended to the vectors, as labelwise.lexicalFeatures in the editor (default 100; 0: none): TF-IDF of words and character trigrams, projected on the top singular vectors of the pool (fitted on the pool, never the test split); text classification only', int('--lexical'))
    .addOption(new Option('--semi-supervised <mode>', `the learner's semi-supervised step after each fit, as labelwise.semiSupervised in the editor: off, propagation (pseudo-labels where labels spread over a kNN graph of the vectors agree with the model) or self-training (default ${defaultSettings.semiSupervised}, the editor's); text classification only`).choices(SEMI_SUPERVISED_CHOICES))
    .option('--out <file>', 'write the JSON result here instead of stdout')
    .action(async (opts: SimulateOptions) => {
      await runSimulate(opts);
    });

  program
    .command('encode')
    .description('encode the records of a JSONL dataset into a float32 .npy (one row per record in file order) or an Arrow IPC / Parquet shard (span_id + vector)')
    .requiredOption('--data <file>', 'JSONL with a "text" field per record')
    .requiredOption('--out <file>', 'output .npy, .arrow or .parquet')
    .addOption(choice('--format <name>', 'npy, or arrow / parquet: span ids as the editor gives them when run from the workspace root', ENCODE_FORMATS, 'npy'))
    .option('--model <id>', 'default (default-mean / default-sif: the embedded model\'s pooling) or a model folder', 'default')
    .addOption(choice('--device <name>', 'where the encoder runs', DEVICES, 'auto'))
    .action(async (opts: EncodeOptions) => {
      await runEncode(opts);
    });

  program
    .command('spans')
    .description('list the corpus spans as the editor cuts them (span_id, file, line, text as JSONL): the input to encode with Spark or Ray into Arrow shards for labelwise.vectors')
    .requiredOption('--out <file>', 'output JSONL (outside the corpus, or in .labelwise/)')
    .option('--root <dir>', 'workspace folder', '.')
    .addOption(choice('--granularity <name>', 'labelwise.granularity', GRANULARITIES, 'sentence'))
    .option('--include <globs...>', 'labelwise.include (default: the setting\'s default)')
    .option('--exclude <globs...>', 'labelwise.exclude (default: the setting\'s default)')
    .option('--max-file-size-mb <n>', 'labelwise.maxFileSizeMB', int('--max-file-size-mb'))
    .action(async (opts: SpansOptions) => {
      await runSpans(opts);
    });

  program
    .command('export')
    .description('export the label store: labelwise JSONL, Prodigy-style JSONL, CSV, Hugging Face datasets JSONL; entity spans also as CoNLL BIO, spaCy JSONL, Hugging Face tokens + ner_tags, brat standoff')
    .option('--store <file>', 'label store', '.labelwise/labels.jsonl')
    .addOption(choice('--format <name>', 'export format', EXPORT_FORMATS, 'labelwise'))
    .requiredOption('--out <file>', 'output file (hf and hf-ner also write <name>.labels.json beside it; brat: the .txt, with <name>.ann beside it)')
    .option('--all', 'labelwise only: every event (history, undo) instead of the current decisions')
    .option('--labels <list>', 'comma-separated label set, in order (fixes hf class indices and hf-ner tag indices)')
    .option('--docstart', 'conll: start the file with a -DOCSTART- line')
    .action((opts: ExportOptions) => {
      runExport(opts);
    });

  program
    .command('import')
    .description('import labels into the store, all or nothing: labelwise, Prodigy (entity spans too), CSV, Hugging Face, CoNLL BIO or plain {"text","label"} JSONL')
    .option('--store <file>', 'label store', '.labelwise/labels.jsonl')
    .requiredOption('--in <file>', 'file to import')
    .addOption(choice('--format <name>', 'import format (auto: from the file)', IMPORT_FORMATS, 'auto'))
    .option('--labels <list>', 'comma-separated label set: other labels are errors')
    .option('--label-names <file>', 'hf: class names ({"label_names": [...]}); default <name>.labels.json beside the input')
    .option('--annotator <name>', 'annotator of records that name none')
    .option('--multi-label', 'read Prodigy "accept" lists as label sets (a workspace with labelwise.multiLabel)')
    .option('--allow-overlap', 'entity spans of one record may overlap (labelwise.allowOverlap); else overlaps are errors')
    .option('--dry-run', 'validate and report only')
    .action(async (opts: ImportOptions) => {
      await runImport(opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (LabelwiseError.is(e)) {
      process.stderr.write(`labelwise: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
