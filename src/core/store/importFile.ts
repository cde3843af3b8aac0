import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { InputError } from '../errors';

/** Largest file an import reads (far above any real label file; keeps a wrong pick from hanging). */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a file to import, asynchronously (off the caller's thread: the extension host stays
 * responsive). Refuses, naming the file, anything that is not a regular file (a FIFO or a device
 * would block or never end) and files over `maxBytes`. Opened non-blocking so even a FIFO cannot hang.
 */
export async function readImportFile(file: string, displayName: string = file, maxBytes: number = MAX_IMPORT_BYTES): Promise<Buffer> {
  let fh;
  try {
    fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputError(`${displayName}: cannot read the file to import (${(e as Error).message})`, displayName);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError(`${displayName}: not a regular file; nothing was imported`, displayName);
    if (st.size > maxBytes) {
      throw new InputError(`${displayName}: ${(st.size / 2 ** 20).toFixed(0)} MB is over the ${(maxBytes / 2 ** 20).toFixed(0)} MB import limit; nothing was imported`, displayName);
    }
    return await fh.readFile();
  } catch (e) {
    if (InputError.is(e)) throw e;
    throw new InputError(`${displayName}: cannot read the file to import (${(e as Error).message})`, displayName);
  } finally {
    await fh.close();
  }
}
