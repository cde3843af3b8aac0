import { readFileSync, writeFileSync } from 'node:fs';
import { InputError } from './errors';
import type { Matrix } from './types';

/** The header of a float32 .npy of rows × cols (format 1.0, little-endian, C order): the data follows it. */
export function npyHeader(rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1')]);
}

/** Serialises a float32 matrix as a NumPy .npy (format 1.0, little-endian, C order). */
export function toNpy(m: Matrix): Buffer {
  const body = Buffer.from(m.data.buffer, m.data.byteOffset, m.rows * m.cols * 4);
  return Buffer.concat([npyHeader(m.rows, m.cols), body]);
}

export function writeNpy(file: string, m: Matrix): void {
  writeFileSync(file, toNpy(m));
}

/** Reads a 2-D float32 (or float64, converted) little-endian C-order .npy. Errors name the file. */
export function readNpy(file: string): Matrix {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read vectors (${(e as Error).message})`, file);
  }
  const { descr, rows, cols, offset: off } = parseNpyHeader(buf, file);
  const n = rows * cols;
  let data: Float32Array;
  if (descr === '<f4') {
    if (buf.length - off < n * 4) throw new InputError(`${file}: truncated (${rows}×${cols} float32 expected)`, file);
    data = new Float32Array(n);
    Buffer.from(data.buffer).set(buf.subarray(off, off + n * 4));
  } else if (descr === '<f8') {
    if (buf.length - off < n * 8) throw new InputError(`${file}: truncated (${rows}×${cols} float64 expected)`, file);
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = buf.readDoubleLE(off + i * 8);
  } else {
    throw new InputError(`${file}: dtype ${descr} is not supported (use float32)`, file);
  }
  // A NaN or infinite component poisons every dot product the learner takes with it.
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / cols);
      throw new InputError(
        `${file}: row ${row} (zero-based; record ${row + 1} of the data) has a non-finite value ${String(data[i])} in column ${i % cols}${descr === '<f8' ? ' (as float32)' : ''}; every vector component must be a finite number`,
        file,
        row + 1,
      );
    }
  }
  return { rows, cols, data };
}

/**
 * The dtype, shape and data offset of a 2-D C-order .npy from its first bytes (the whole header
 * must be in `buf`; 4 KiB always holds the header this module writes). Errors name the file.
 */
export function parseNpyHeader(buf: Buffer, file: string): { descr: string; rows: number; cols: number; offset: number } {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new InputError(`${file}: not a NumPy .npy file`, file);
  const major = buf[6];
  if (major < 1 || major > 3) throw new InputError(`${file}: .npy format version ${major} is not supported`, file);
  const hstart = major === 1 ? 10 : 12;
  if (buf.length < hstart) throw new InputError(`${file}: truncated .npy header`, file);
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  if (buf.length < hstart + hlen) throw new InputError(`${file}: truncated .npy header`, file);
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!descr || !shape) throw new InputError(`${file}: unreadable .npy header`, file);
  if (fortran) throw new InputError(`${file}: Fortran-order arrays are not supported; save with C order`, file);
  if (shape.length !== 2) throw new InputError(`${file}: expected a 2-D array (records × dims), got shape (${shape.join(', ')})`, file);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InputError(`${file}: the .npy shape (${shape.join(', ')}) must be two non-negative integers`, file);
  }
  return { descr, rows: shape[0], cols: shape[1], offset: hstart + hlen };
}
