/*
 * Values between the coordinator and the workers: units' payloads and outputs in BullMQ jobs,
 * job contexts in files of the shared directory. Node's structured serialisation (v8.serialize)
 * keeps typed arrays, Maps and the like exactly (a float's bits included, so that merged results
 * stay identical); SharedArrayBuffers, which it refuses, travel as copies marked to be shared
 * again on arrival (the worker's threads then share them, as on one machine). Float arrays that
 * are mostly zeros — a similarity answer holds vectors of every holder, of which a unit of few
 * outputs credits a handful — travel as their non-zero entries, so that an answer's size follows
 * what it credits rather than the catalogue's holder count.
 */
import { deserialize, serialize } from 'node:v8';

const SHARED = '__partageShared';
const SPARSE = '__partageSparse';

/** Shorter than this, an array travels whole: the saving would not pay for the scan. */
const SPARSE_MIN_LENGTH = 64;

type Sparse = { [SPARSE]: 'Float64Array' | 'Float32Array'; length: number; index: Uint32Array; values: Float64Array | Float32Array };

/**
 * The entries other than +0 (a -0 and a NaN are kept: the decoded array must be the same bit for
 * bit), when they are fewer than a third (an index and a value cost 12 bytes against 8).
 */
function sparseOf(value: Float64Array | Float32Array): Sparse | undefined {
  if (value.length < SPARSE_MIN_LENGTH) return undefined;
  const most = Math.floor(value.length / 3);
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    if (!Object.is(value[i], 0) && ++count > most) return undefined;
  }
  const index = new Uint32Array(count);
  const type = Object.prototype.toString.call(value) === '[object Float64Array]' ? 'Float64Array' : 'Float32Array';
  const values = type === 'Float64Array' ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0, k = 0; i < value.length; i++) {
    if (Object.is(value[i], 0)) continue;
    index[k] = i;
    values[k++] = value[i];
  }
  return { [SPARSE]: type, length: value.length, index, values };
}

function denseOf(sparse: Sparse): Float64Array | Float32Array {
  const out = sparse[SPARSE] === 'Float64Array' ? new Float64Array(sparse.length) : new Float32Array(sparse.length);
  for (let k = 0; k < sparse.index.length; k++) out[sparse.index[k]] = sparse.values[k];
  return out;
}

type Marked = { [SHARED]: 'buffer'; bytes: ArrayBuffer } | { [SHARED]: 'view'; type: string; bytes: ArrayBuffer; byteOffset: number; length: number };

const VIEWS: Record<string, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function copyOf(buffer: SharedArrayBuffer): ArrayBuffer {
  const copy = new ArrayBuffer(buffer.byteLength);
  new Uint8Array(copy).set(new Uint8Array(buffer));
  return copy;
}

function cloneable(value: unknown, seen: Map<unknown, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof SharedArrayBuffer) return { [SHARED]: 'buffer', bytes: copyOf(value) };
  if (ArrayBuffer.isView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer)) {
      // By tag, not instanceof: v8.deserialize makes its arrays in the main realm (jest runs tests in another).
      const tag = Object.prototype.toString.call(value);
      if (tag === '[object Float64Array]' || tag === '[object Float32Array]') return sparseOf(value as Float64Array | Float32Array) ?? value;
      return value;
    }
    const type = value.constructor.name;
    const length = 'length' in value ? (value as unknown as { length: number }).length : value.byteLength;
    return { [SHARED]: 'view', type, bytes: copyOf(value.buffer), byteOffset: value.byteOffset, length };
  }
  if (value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(cloneable(item, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(cloneable(k, seen), cloneable(v, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) out[k] = cloneable(v, seen);
  return out;
}

function shareAgain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if ((value as Partial<Sparse>)[SPARSE] !== undefined) return denseOf(value as Sparse);
  const marked = value as Partial<Marked>;
  if (marked[SHARED] !== undefined) {
    const shared = new SharedArrayBuffer(marked.bytes!.byteLength);
    new Uint8Array(shared).set(new Uint8Array(marked.bytes!));
    if (marked[SHARED] === 'buffer') return shared;
    const View = VIEWS[(marked as { type: string }).type];
    if (View === undefined) throw new Error(`cannot rebuild a shared ${(marked as { type: string }).type}`);
    return new View(shared, (marked as { byteOffset: number }).byteOffset, (marked as { length: number }).length);
  }
  if (Array.isArray(value)) return value.map(shareAgain);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [shareAgain(k), shareAgain(v)]));
  if (value instanceof Date || value instanceof RegExp) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shareAgain(v)]));
}

export function encodeBytes(value: unknown): Buffer {
  return serialize(cloneable(value, new Map()));
}

export function decodeBytes(bytes: Uint8Array): unknown {
  return shareAgain(deserialize(bytes));
}

/** For BullMQ job data and return values, which are JSON. */
export const encodeValue = (value: unknown): string => encodeBytes(value).toString('base64');
export const decodeValue = (text: string): unknown => decodeBytes(Buffer.from(text, 'base64'));
