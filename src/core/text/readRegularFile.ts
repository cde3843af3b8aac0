import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file was not read: it is not a regular file (FIFO, device, folder), or it is too large. */
export class RegularFileError extends Error {
  constructor(readonly reason: 'not-regular' | 'too-large', readonly file: string, readonly size?: number) {
    super(reason === 'not-regular' ? `${file}: not a regular file; not read` : `${file}: ${((size ?? 0) / 2 ** 20).toFixed(1)} MB is too large; not read`);
  }
  static is(e: unknown): e is RegularFileError {
    return e instanceof RegularFileError;
  }
}

/**
 * The bytes of `file`, read synchronously, or undefined when it does not exist. Files a workspace
 * commits (the label store, the curve log, the export registry) may be symlinks to anything: this
 * refuses, before reading a byte, what is not a regular file (a read of /dev/zero never ends) or is
 * over `maxBytes` (RegularFileError), and opens non-blocking so that even a FIFO cannot hang it.
 * Other errors (permissions) are thrown as they come.
 */
export function readRegularFileSync(file: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RegularFileError('not-regular', file);
    if (st.size > maxBytes) throw new RegularFileError('too-large', file, st.size);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
