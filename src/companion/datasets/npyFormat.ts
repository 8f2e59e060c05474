/**
 * The NumPy .npy header (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic "\x93NUMPY", version, header length, then a Python dict literal
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a newline
 * so that the data starts on a 64-byte boundary.
 *
 * Why our own parser rather than an npm reader: the readers on npm (npyjs and the like) take the
 * whole file as one ArrayBuffer, while uploads go up to gigabytes and are read from disk in
 * slices; they also accept what we must refuse (Fortran order, big-endian data) without saying
 * so. The header is a few dozen bytes of a fixed, documented grammar: this module parses exactly
 * that subset and names what it refuses.
 */

export type NpyDtype = 'float32' | 'float64';

export interface NpyHeader {
  dtype: NpyDtype;
  /** 1-D [n] or 2-D [rows, cols], C order. */
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
  /** Bytes per value. */
  itemSize: 4 | 8;
}

/** A refused or malformed file; the message is meant for the user who sent it. */
export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Enough for the fixed prefix (10 or 12 bytes) of every version. */
export const NPY_PREFIX_BYTES = 12;
/** NumPy itself refuses headers above 10,000 bytes by default; real ones are ~128 bytes. */
export const NPY_MAX_HEADER_BYTES = 65_536;

const DTYPES: Record<string, { dtype: NpyDtype; itemSize: 4 | 8 }> = {
  '<f4': { dtype: 'float32', itemSize: 4 },
  '<f8': { dtype: 'float64', itemSize: 8 },
};

/** Plain words for the dtypes people are likely to send, so the refusal says what to do. */
function describeDtype(descr: string): string {
  const kinds: Record<string, string> = { f: 'float', i: 'int', u: 'uint', b: 'bool', c: 'complex', U: 'unicode', S: 'bytes', O: 'object', M: 'datetime', m: 'timedelta', V: 'void' };
  const match = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (!match) return `'${descr}'`;
  const [, order, kind, size] = match;
  const bits = size && /[fiucb]/.test(kind) ? String(Number(size) * 8) : '';
  const endian = order === '>' ? 'big-endian ' : '';
  return `'${descr}' (${endian}${kinds[kind] ?? kind}${bits})`;
}

/**
 * Reads the length of the whole header (prefix + dict) from the first NPY_PREFIX_BYTES bytes,
 * so that the caller knows how much to read before calling parseNpyHeader.
 */
export function npyHeaderLength(prefix: Uint8Array): number {
  if (prefix.length < 10 || MAGIC.some((byte, i) => prefix[i] !== byte)) {
    throw new NpyFormatError('not a .npy file: it does not start with the NumPy magic string \\x93NUMPY');
  }
  const major = prefix[6];
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (prefix.length < 12) throw new NpyFormatError('truncated .npy header');
    const length = view.getUint32(8, true);
    if (length > NPY_MAX_HEADER_BYTES) throw new NpyFormatError(`.npy header of ${length} bytes is larger than the ${NPY_MAX_HEADER_BYTES} bytes allowed`);
    return 12 + length;
  }
  throw new NpyFormatError(`unsupported .npy format version ${major}.${prefix[7]} (1.0, 2.0 and 3.0 are known)`);
}

/** Parses and checks the header; `header` holds at least npyHeaderLength(header) bytes. */
export function parseNpyHeader(header: Uint8Array): NpyHeader {
  const dataOffset = npyHeaderLength(header);
  if (header.length < dataOffset) throw new NpyFormatError('truncated .npy header');
  const textStart = header[6] === 1 ? 10 : 12;
  // Version 3 allows UTF-8 in field names; the fields we read are ASCII either way.
  const text = new TextDecoder('utf-8').decode(header.subarray(textStart, dataOffset));
  const dict = parseHeaderDict(text);

  const descr = dict.get('descr');
  const fortranOrder = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') {
    throw new NpyFormatError('structured dtypes are not supported: send a plain float32 or float64 array');
  }
  if (typeof fortranOrder !== 'boolean') throw new NpyFormatError(".npy header lacks 'fortran_order'");
  if (!Array.isArray(shape)) throw new NpyFormatError(".npy header lacks 'shape'");

  const known = DTYPES[descr];
  if (!known) {
    throw new NpyFormatError(
      `dtype ${describeDtype(descr)} is not supported: send little-endian float32 or float64 ('<f4' or '<f8'), e.g. numpy's array.astype('<f4')`,
    );
  }
  if (fortranOrder) {
    throw new NpyFormatError('fortran_order arrays are not supported: save a C-ordered array (numpy.ascontiguousarray(array))');
  }
  if (shape.length < 1 || shape.length > 2) {
    throw new NpyFormatError(`shape (${shape.join(', ')}) has ${shape.length} dimensions: a vector (1-D) or a matrix (2-D) is expected`);
  }
  if (shape.some((d) => d === 0)) throw new NpyFormatError(`shape (${shape.join(', ')}) is empty`);
  return { dtype: known.dtype, shape, dataOffset, itemSize: known.itemSize };
}

type HeaderValue = string | boolean | number[] | null;

/**
 * The dict literal subset NumPy writes: string keys; values that are strings, True/False,
 * tuples of non-negative integers, or (for structured dtypes) lists, which we only need to
 * recognise in order to refuse.
 */
function parseHeaderDict(text: string): Map<string, HeaderValue> {
  let i = 0;
  const fail = (what: string): never => {
    throw new NpyFormatError(`malformed .npy header (${what} at character ${i}): ${JSON.stringify(text.trim().slice(0, 120))}`);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (ch: string) => {
    skipSpace();
    if (text[i] !== ch) fail(`expected '${ch}'`);
    i++;
  };
  const readString = (): string => {
    skipSpace();
    const quote = text[i];
    if (quote !== "'" && quote !== '"') fail('expected a string');
    const end = text.indexOf(quote, i + 1);
    if (end < 0) fail('unterminated string');
    const value = text.slice(i + 1, end);
    i = end + 1;
    return value;
  };
  const readValue = (): HeaderValue => {
    skipSpace();
    const ch = text[i];
    if (ch === "'" || ch === '"') return readString();
    if (text.startsWith('True', i)) return (i += 4), true;
    if (text.startsWith('False', i)) return (i += 5), false;
    if (ch === '(') {
      i++;
      const items: number[] = [];
      for (;;) {
        skipSpace();
        if (text[i] === ')') return i++, items;
        const match = /^\d+/.exec(text.slice(i, i + 20));
        if (!match) fail('expected a dimension');
        items.push(Number(match![0]));
        i += match![0].length;
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail("expected ',' or ')'");
      }
    }
    if (ch === '[') {
      // A structured dtype's field list: skip to the matching bracket.
      let depth = 0;
      for (; i < text.length; i++) {
        if (text[i] === '[') depth++;
        else if (text[i] === ']' && --depth === 0) return i++, null;
      }
      fail('unterminated list');
    }
    return fail('unexpected value');
  };

  const entries = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    skipSpace();
    if (text[i] === '}') break;
    const key = readString();
    expect(':');
    entries.set(key, readValue());
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail("expected ',' or '}'");
  }
  return entries;
}

/**
 * A version 1.0 header for `shape` of `dtype`, padded to `totalBytes` (a multiple of 64) when
 * given: writers that learn the shape only at the end reserve a fixed header and fill it in last.
 */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[], totalBytes?: number): Buffer {
  const descr = dtype === 'float32' ? '<f4' : '<f8';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = 10 + dict.length + 1;
  const total = totalBytes ?? Math.ceil(unpadded / 64) * 64;
  if (total % 64 !== 0 || total < unpadded || total - 10 > 0xffff) throw new RangeError(`cannot fit a .npy header for shape ${dims} in ${total} bytes`);
  const header = Buffer.alloc(total, 0x20);
  Buffer.from(MAGIC).copy(header, 0);
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return header;
}
