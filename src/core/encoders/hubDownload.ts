import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ModelError } from '../errors';
import { CancelledError } from '../session/cancelledError';
import { settingKeys } from '../settings';
import { checkHfFolder, HF_MODEL_FILES, loadTokenizer } from './hfEncoder';

/**
 * Fetches a Hugging Face hub model (`labelwise.model` = `owner/name`, e.g.
 * `Xenova/all-MiniLM-L6-v2`) once into a local folder in the transformers.js layout, then serves
 * it from there without the network. The files are the ones transformers.js reads for a feature
 * extractor: config.json, tokenizer.json, tokenizer_config.json and the ONNX graph
 * (onnx/model.onnx, else onnx/model_quantized.onnx), each from `<endpoint>/<id>/resolve/main/<file>`.
 *
 * A download goes to a temporary folder beside the final one and is renamed into place only when
 * every file arrived whole (size and SHA-256 as the hub announced them, JSON that parses, a
 * tokenizer that loads): an interrupted or failed download leaves nothing that a later run would
 * take for a model. Plain Node fetch; the endpoint is an option (tests serve a model from
 * 127.0.0.1), else LABELWISE_HF_ENDPOINT, else HF_ENDPOINT, else https://huggingface.co.
 */

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** Written last into a downloaded folder: what was fetched, from where, and each file's checksum. */
export const DOWNLOAD_MANIFEST = 'labelwise-download.json';

/** `owner/name` as the hub spells repository ids (letters, digits, `-`, `_`, `.`). */
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether a value has the shape of a hub model id (`owner/name`), whatever is on disk. */
export function isHubIdShape(value: string): boolean {
  const v = value.trim();
  return HUB_ID.test(v) && !v.includes('..');
}

/**
 * Whether a `labelwise.model` value names a hub model rather than a local folder: it has the
 * `owner/name` shape and no folder of that path exists under `baseDir` (a committed relative path
 * such as `models/bert` keeps meaning the workspace's folder).
 */
export function isHubModelId(model: string, baseDir: string = process.cwd()): boolean {
  const m = model.trim();
  if (!HUB_ID.test(m) || m.includes('..')) return false;
  return !isAbsolute(m) && !existsSync(resolve(baseDir, m));
}

/** The endpoint to use: the option, else LABELWISE_HF_ENDPOINT or HF_ENDPOINT, else the public hub. */
export function hubEndpoint(option?: string): string {
  const e = option ?? process.env.LABELWISE_HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT;
  return e.replace(/\/+$/, '');
}

/** Where a hub model lives once downloaded: `<storageDir>/<owner>--<name>`. */
export function hubModelFolder(storageDir: string, id: string): string {
  return join(storageDir, id.trim().replace('/', '--'));
}

/** The message for a hub id while downloads are off: it names both settings. */
export function downloadNotAllowedMessage(id: string): string {
  return (
    `${settingKeys.model}: "${id}" is a Hugging Face hub model id, and it is not downloaded yet; Labelwise downloads a model only ` +
    `when ${settingKeys.allowModelDownload} is on (in a trusted workspace). Turn it on to fetch the model once into the extension's storage, ` +
    `or set ${settingKeys.model} to "default" or to a local model folder`
  );
}

export interface DownloadProgress {
  /** The file being fetched, relative to the model folder (forward slashes). */
  readonly file: string;
  readonly received: number;
  /** Bytes of this file, when the server said. */
  readonly total?: number;
}

export interface HubDownloadOptions {
  /** Folder holding downloaded models (the extension passes its globalStorage). */
  readonly storageDir: string;
  /** Hub base URL; see hubEndpoint. */
  readonly endpoint?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DownloadProgress) => void;
  /** Defaults to the global fetch; tests may wrap it. */
  readonly fetch?: typeof fetch;
}

export interface HubModel {
  readonly folder: string;
  /** True when this call fetched it, false when it was already there (no network used). */
  readonly downloaded: boolean;
}

interface FileRecord {
  readonly size: number;
  readonly sha256: string;
}

interface Manifest {
  readonly id: string;
  readonly endpoint: string;
  readonly revision?: string;
  readonly downloadedAt: string;
  readonly files: Record<string, FileRecord>;
}

/** A downloaded folder is complete when its manifest is there and lists files that exist with their sizes. */
function completeFolder(folder: string, id: string): boolean {
  const file = join(folder, DOWNLOAD_MANIFEST);
  if (!existsSync(file)) return false;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (m.id !== id || typeof m.files !== 'object' || m.files === null) return false;
    return Object.entries(m.files).every(([f, r]) => existsSync(join(folder, f)) && statSync(join(folder, f)).size === r.size);
  } catch {
    return false;
  }
}

/** The folder of hub model `id` when a complete download of it is in `storageDir`; no network. */
export function downloadedHubModel(storageDir: string, id: string): string | undefined {
  const folder = hubModelFolder(storageDir, id);
  return completeFolder(folder, id.trim()) ? folder : undefined;
}

/** Thrown for a 404: the caller may try another file (model_quantized.onnx). */
class NotOnHub extends ModelError {}

function fail(id: string, message: string): never {
  throw new ModelError(`${settingKeys.model}: cannot download the Hugging Face model "${id}": ${message}`);
}

/** The hub's own checksum of an LFS file: `X-Linked-Etag` (or an `ETag`) holding a SHA-256. */
function announcedSha(headers: Headers, keys: readonly string[] = ['x-linked-etag', 'etag']): string | undefined {
  for (const h of keys) {
    const v = headers.get(h)?.replace(/^W\//, '').replace(/"/g, '');
    if (v && /^[0-9a-f]{64}$/.test(v)) return v;
  }
  return undefined;
}

function announcedLinkedSha(headers: Headers): string | undefined {
  return announcedSha(headers, ['x-linked-etag']);
}

function announcedSize(headers: Headers, key: string): number | undefined {
  const v = headers.get(key);
  if (v === null || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}

interface Fetched {
  readonly record: FileRecord;
  readonly revision?: string;
}

/**
 * Fetches one file into `dest`. Redirects are followed by hand: the hub answers an LFS file with a
 * redirect to its CDN whose headers carry the file's SHA-256 and size (X-Linked-Etag / -Size),
 * which the CDN's answer does not repeat.
 */
async function fetchFile(id: string, file: string, dest: string, opts: HubDownloadOptions, endpoint: string): Promise<Fetched> {
  const doFetch = opts.fetch ?? fetch;
  let url = `${endpoint}/${id}/resolve/main/${file}`;
  const first = url;
  let sha: string | undefined;
  let size: number | undefined;
  let revision: string | undefined;
  let res: Response | undefined;
  for (let hop = 0; hop < 10; hop++) {
    try {
      res = await doFetch(url, { redirect: 'manual', signal: opts.signal, headers: { 'user-agent': 'labelwise', 'accept-encoding': 'identity' } });
    } catch (e) {
      if (opts.signal?.aborted) throw new CancelledError(`the download of ${id} was cancelled`);
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      fail(id, `cannot reach ${first} (${(e as Error).message}${cause ? `: ${cause}` : ''}); check the network or ${settingKeys.model}`);
    }
    // X-Linked-Etag is the hub's SHA-256 of an LFS file; a plain ETag only counts on the hub's own
    // answer (a CDN's ETag may be some other hash).
    sha ??= hop === 0 ? announcedSha(res.headers) : announcedLinkedSha(res.headers);
    size ??= announcedSize(res.headers, 'x-linked-size');
    revision ??= res.headers.get('x-repo-commit') ?? undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      url = new URL(location, url).href;
      continue;
    }
    break;
  }
  if (!res) fail(id, `no answer for ${first}`);
  if (res.status === 404) {
    await res.body?.cancel();
    throw new NotOnHub(`${settingKeys.model}: the Hugging Face model "${id}" has no file ${file} (404 from ${first}); check the model id, or pick a model with an ONNX export (onnx/model.onnx), such as the Xenova/* models`);
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    // The hub answers 401 for a repository that does not exist as well as for a private or gated one.
    fail(id, `${file}: no such public model (HTTP ${res.status} from ${first}); check the model id — Labelwise downloads public models only`);
  }
  if (res.status >= 300 && res.status < 400) fail(id, `too many redirects for ${file} (${first})`);
  if (!res.ok || !res.body) fail(id, `HTTP ${res.status} ${res.statusText} for ${file} (${first})`);
  // fetch undoes a Content-Encoding (should a server compress anyway): Content-Length is then the
  // compressed size, not the file's.
  const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  const length = encoded ? undefined : announcedSize(res.headers, 'content-length');
  const total = size ?? length;
  const hash = createHash('sha256');
  let received = 0;
  mkdirSync(dirname(dest), { recursive: true });
  const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    opts.onProgress?.({ file, received, ...(total !== undefined ? { total } : {}) });
  });
  try {
    await pipeline(body, createWriteStream(dest), { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new CancelledError(`the download of ${id} was cancelled`);
    fail(id, `${file} was interrupted after ${received} bytes (${(e as Error).message}); nothing was kept, try again`);
  }
  const digest = hash.digest('hex');
  if (total !== undefined && received !== total) fail(id, `${file} arrived with ${received} of ${total} bytes; nothing was kept, try again`);
  if (sha !== undefined && digest !== sha) fail(id, `${file} does not match the hub's SHA-256 (${sha}, got ${digest}); nothing was kept, try again`);
  return { record: { size: received, sha256: digest }, ...(revision ? { revision } : {}) };
}

/** Removes temporary folders that a killed download left (older than a day: another window may be downloading). */
function removeStaleTemps(storageDir: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const e of readdirSync(storageDir)) {
    if (!e.startsWith('.download-')) continue;
    const p = join(storageDir, e);
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: harmless.
    }
  }
}

/**
 * Returns the local folder of hub model `id`, downloading it first when it is not complete in
 * `storageDir`. Errors are ModelErrors naming the model id and the file (a 404 names the URL);
 * cancelling (the signal) throws a CancelledError. Either way nothing half-downloaded is kept.
 */
export async function ensureHubModel(id: string, opts: HubDownloadOptions): Promise<HubModel> {
  const modelId = id.trim();
  if (!HUB_ID.test(modelId)) fail(modelId, 'not a hub model id of the form owner/name');
  const folder = hubModelFolder(opts.storageDir, modelId);
  if (completeFolder(folder, modelId)) return { folder, downloaded: false };
  const endpoint = hubEndpoint(opts.endpoint);
  mkdirSync(opts.storageDir, { recursive: true });
  removeStaleTemps(opts.storageDir);
  const tmp = mkdtempSync(join(opts.storageDir, `.download-${modelId.replace('/', '--')}-`));
  try {
    const files: Record<string, FileRecord> = {};
    let revision: string | undefined;
    const get = async (file: string, optional = false): Promise<boolean> => {
      try {
        const r = await fetchFile(modelId, file, join(tmp, ...file.split('/')), opts, endpoint);
        files[file] = r.record;
        revision ??= r.revision;
        return true;
      } catch (e) {
        if (optional && e instanceof NotOnHub) return false;
        throw e;
      }
    };
    await get('config.json');
    await get('tokenizer.json');
    await get('tokenizer_config.json', true);
    // transformers.js's default on Node is the fp32 graph; a repository with only the int8 one
    // still works with our runtime.
    const [full, quantized] = HF_MODEL_FILES;
    if (!(await get(full, true)) && !(await get(quantized, true))) {
      throw new ModelError(`${settingKeys.model}: the Hugging Face model "${modelId}" has neither ${full} nor ${quantized} (404 from ${endpoint}/${modelId}/resolve/main/${full}); pick a model with an ONNX export, such as the Xenova/* models`);
    }
    // The files the loader needs parse and the tokenizer builds, before the folder counts as a model.
    try {
      checkHfFolder(tmp);
      loadTokenizer(tmp);
    } catch (e) {
      fail(modelId, `the downloaded files are not a usable model (${(e as Error).message.replace(tmp, '<download>')})`);
    }
    const manifest: Manifest = { id: modelId, endpoint, ...(revision ? { revision } : {}), downloadedAt: new Date().toISOString(), files };
    writeFileSync(join(tmp, DOWNLOAD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // An incomplete folder of that name (no manifest: an older, broken copy) gives way.
    if (existsSync(folder) && !completeFolder(folder, modelId)) rmSync(folder, { recursive: true, force: true });
    try {
      renameSync(tmp, folder);
    } catch (e) {
      // Another window finished the same download first: use its copy.
      if (completeFolder(folder, modelId)) return { folder, downloaded: false };
      throw e;
    }
    return { folder, downloaded: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
