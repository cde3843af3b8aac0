import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds out, before ONNX Runtime is asked, which of the libraries the CUDA execution provider of
 * onnxruntime-node 1.30 (CUDA 12 build) needs are missing, so that `auto` can fall back quietly and
 * `cuda` can say exactly what to install. ONNX Runtime itself only reports "Failed to load shared
 * library".
 */
export interface CudaCheck {
  /** Folder of onnxruntime-node's native binaries. */
  readonly binDir: string;
  /** Provider libraries that onnxruntime-node's optional download adds (skipped by .npmrc). */
  readonly missingProviders: readonly string[];
  /** CUDA / cuDNN runtime libraries not found in LD_LIBRARY_PATH, the ld cache or /usr/local/cuda. */
  readonly missingSystem: readonly string[];
}

export const CUDA_PROVIDER_LIBS = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'] as const;
export const CUDA_SYSTEM_LIBS = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcufft.so.11', 'libcudnn.so.9'] as const;

/**
 * The one command that adds the CUDA provider binaries to an installed onnxruntime-node (the
 * environment variable wins over the repo's .npmrc, which skips the download).
 */
export const CUDA_INSTALL_HINT = 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node';

function ortBinDir(): string {
  const pkg = require.resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

function systemLibDirs(): string[] {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  dirs.push('/usr/local/cuda/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib');
  return dirs;
}

let ldCache: string | undefined;
function inLdCache(lib: string): boolean {
  if (ldCache === undefined) {
    try {
      ldCache = readFileSync('/etc/ld.so.cache').toString('latin1');
    } catch {
      ldCache = '';
    }
  }
  return ldCache.includes(`${lib}\0`);
}

function findSystemLib(lib: string, dirs: readonly string[]): boolean {
  if (inLdCache(lib)) return true;
  for (const d of dirs) {
    if (existsSync(join(d, lib))) return true;
  }
  // pip-installed nvidia-* wheels put libraries in site-packages/nvidia/*/lib; users add those to
  // LD_LIBRARY_PATH, which is covered above.
  return false;
}

export function checkCuda(): CudaCheck {
  let binDir: string;
  try {
    binDir = ortBinDir();
  } catch {
    return { binDir: '(onnxruntime-node not found)', missingProviders: [...CUDA_PROVIDER_LIBS], missingSystem: [] };
  }
  if (process.platform !== 'linux' && process.platform !== 'win32') {
    return { binDir, missingProviders: ['a CUDA build of onnxruntime-node (none exists for this platform)'], missingSystem: [] };
  }
  const present = new Set(existsSync(binDir) ? readdirSync(binDir) : []);
  const libs = process.platform === 'win32' ? CUDA_PROVIDER_LIBS.map((l) => l.replace(/^lib/, '').replace(/\.so$/, '.dll')) : [...CUDA_PROVIDER_LIBS];
  const missingProviders = libs.filter((l) => !present.has(l));
  const dirs = systemLibDirs();
  const missingSystem = process.platform === 'linux' ? CUDA_SYSTEM_LIBS.filter((l) => !findSystemLib(l, dirs)) : [];
  return { binDir, missingProviders, missingSystem };
}

/** One sentence naming what is missing, with the command or package that provides it. */
export function describeMissing(c: CudaCheck): string {
  const parts: string[] = [];
  if (c.missingProviders.length > 0) {
    parts.push(`${c.missingProviders.join(' and ')} not found in ${c.binDir} (add them with: ${CUDA_INSTALL_HINT})`);
  }
  if (c.missingSystem.length > 0) {
    parts.push(`${c.missingSystem.join(', ')} not found in LD_LIBRARY_PATH, the ld cache or /usr/local/cuda/lib64 (install the CUDA 12 runtime and cuDNN 9)`);
  }
  return parts.join('; ');
}
