import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { ModelError } from '../errors';

/**
 * ONNX Runtime's native library is most of the .vsix (46 MB, 17.5 MB deflated). The package ships
 * it brotli-compressed instead (`libonnxruntime.so.1.br`, 12.7 MB: scripts/package.mjs), and the
 * first process that needs it writes it back beside onnxruntime-node's binding, once per install
 * (about 0.4 s). A development checkout has the library itself, and this does nothing.
 */

/** Suffix of a compressed native file, next to where the uncompressed one belongs. */
export const PACKED_SUFFIX = '.br';

/** onnxruntime-node's folder of native files for this platform. */
export function ortBinDir(): string {
  const pkg = require.resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Writes back every `<name>.br` of `binDir` whose `<name>` is missing: to a temporary name, then
 * renamed, so a process that starts meanwhile (the extension host and the engine worker may) never
 * loads half a library. Returns the files it wrote. A folder it cannot write to is a ModelError
 * naming it.
 */
export function unpackNativeLibraries(binDir: string = ortBinDir()): string[] {
  if (!existsSync(binDir)) return [];
  const written: string[] = [];
  for (const entry of readdirSync(binDir)) {
    if (!entry.endsWith(PACKED_SUFFIX)) continue;
    const target = join(binDir, entry.slice(0, -PACKED_SUFFIX.length));
    if (existsSync(target)) continue;
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(tmp, brotliDecompressSync(readFileSync(join(binDir, entry))));
      renameSync(tmp, target);
      written.push(target);
    } catch (e) {
      rmSync(tmp, { force: true });
      // Another process may have written it meanwhile: that is what we wanted.
      if (existsSync(target)) continue;
      throw new ModelError(
        `cannot unpack ONNX Runtime's native library ${target} from ${entry} (${(e as Error).message.split('\n')[0]}); ` +
          `the extension's folder ${binDir} must be writable once after installing Labelwise`,
      );
    }
  }
  return written;
}
