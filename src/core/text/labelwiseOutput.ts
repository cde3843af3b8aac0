import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { recordSpanId, spanId } from './spanId';
import { readRegularFileSync } from './readRegularFile';

/**
 * Recognising files that Labelwise wrote itself (label exports, copies of the store), so the
 * corpus reader never reads them back as text to label: that turned labeled spans into "new"
 * candidates after a reload. Two independent signals, either one is enough:
 *
 * 1. The export registry `.labelwise/exports.json`: every export (extension or CLI) records its
 *    path and the SHA-256 of what it wrote. A file at a registered path, or with the content of
 *    any registered export (a copy or a move, even out of `.labelwise/exports/`), is an export.
 * 2. The content shape, for files that the registry cannot know (an export from another clone, a
 *    copied store): a JSONL file whose first records are label events (`id` + `source` + `answer`
 *    + `ts`, the store's own line), or whose records carry a span id that is the hash of their own
 *    file, offsets and text (Prodigy `meta` or Hugging Face columns, as our exports write). A hash
 *    match cannot happen by accident, so user data is never mistaken for an export.
 */

/** The registry file, in the workspace's `.labelwise/` folder. */
export const EXPORT_REGISTRY_FILE = 'exports.json';
/** Entries kept in the registry (the oldest are dropped). */
export const MAX_REGISTRY_ENTRIES = 500;
const MAX_REGISTRY_BYTES = 4 * 1024 * 1024;
/** Records of a JSONL file looked at for the content shape. */
const SHAPE_RECORDS = 5;

export interface ExportRegistryEntry {
  /** Workspace-relative path with forward slashes (absolute when written outside the workspace). */
  readonly file: string;
  readonly format: string;
  /** SHA-256 (hex) of the UTF-8 text written. */
  readonly sha256: string;
  readonly bytes: number;
  readonly ts: string;
}

export interface ExportRegistry {
  readonly entries: readonly ExportRegistryEntry[];
}

export function contentSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reads `<root>/.labelwise/exports.json`; a missing, oversized, non-regular or malformed file is
 * an empty registry (the content shape still applies). Never throws.
 */
export function loadExportRegistry(root: string): ExportRegistry {
  try {
    const buf = readRegularFileSync(join(root, '.labelwise', EXPORT_REGISTRY_FILE), MAX_REGISTRY_BYTES);
    return buf === undefined ? { entries: [] } : parseExportRegistry(buf.toString('utf8'));
  } catch {
    return { entries: [] };
  }
}

export function parseExportRegistry(json: string): ExportRegistry {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return { entries: [] };
  }
  const raw = typeof v === 'object' && v !== null ? (v as { exports?: unknown }).exports : undefined;
  if (!Array.isArray(raw)) return { entries: [] };
  const entries = raw.filter(
    (e): e is ExportRegistryEntry =>
      typeof e === 'object' && e !== null && typeof e.file === 'string' && typeof e.sha256 === 'string' && typeof e.bytes === 'number',
  );
  return { entries };
}

/** Matches files against a registry; built once per corpus read. */
export class ExportRecogniser {
  private readonly byPath = new Map<string, ExportRegistryEntry>();
  private readonly byHash = new Map<string, ExportRegistryEntry>();
  private readonly sizes = new Set<number>();

  constructor(registry: ExportRegistry) {
    for (const e of registry.entries) {
      this.byPath.set(e.file, e);
      this.byHash.set(e.sha256, e);
      this.sizes.add(e.bytes);
    }
  }

  /**
   * Why the workspace file `file` with text `text` is Labelwise output (a sentence for the output
   * channel), or undefined when it is corpus.
   */
  reason(file: string, text: string): string | undefined {
    const byPath = this.byPath.get(file);
    if (byPath) return `written by Labelwise (a ${byPath.format} export of ${byPath.ts}, listed in .labelwise/${EXPORT_REGISTRY_FILE})`;
    if (this.sizes.has(Buffer.byteLength(text, 'utf8'))) {
      const e = this.byHash.get(contentSha256(text));
      if (e) return `a copy of a Labelwise ${e.format} export (${e.file}, listed in .labelwise/${EXPORT_REGISTRY_FILE})`;
    }
    if (file.toLowerCase().endsWith('.jsonl')) return jsonlShapeReason(text);
    return undefined;
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOff(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** A label event line of the store (or a Labelwise-format export). */
function isLabelEventShape(r: Record<string, unknown>): boolean {
  const s = r.source;
  return typeof r.id === 'string' && isObj(s) && typeof s.file === 'string' && typeof r.answer === 'string' && typeof r.ts === 'string' && typeof r.text === 'string';
}

/** A record whose span id is the hash of its own place and text, as our Prodigy/HF exports write. */
function hasOwnSpanId(r: Record<string, unknown>): boolean {
  const meta = isObj(r.meta) ? r.meta : r;
  const file = typeof meta.source === 'string' ? meta.source : meta.file;
  const id = meta.id;
  const { start, end, line } = meta;
  if (typeof id !== 'string' || typeof file !== 'string' || typeof r.text !== 'string' || !isOff(start) || !isOff(end)) return false;
  if (spanId(file, start, end, r.text) === id) return true;
  return isOff(line) && recordSpanId(file, line, start, end, r.text) === id;
}

function jsonlShapeReason(text: string): string | undefined {
  let seen = 0;
  let from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (from < text.length && seen < SHAPE_RECORDS) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const raw = text.slice(from, nl).trim();
    from = nl + 1;
    if (raw === '') continue;
    seen++;
    let r: unknown;
    try {
      r = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isObj(r)) continue;
    if (isLabelEventShape(r)) return 'holds Labelwise label events (a copy of a label store or a Labelwise export)';
    if (hasOwnSpanId(r)) return 'a Labelwise label export (its records carry Labelwise span ids)';
  }
  return undefined;
}
