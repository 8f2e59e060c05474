/*
 * The icons are real PNGs of the size the manifest claims, and the committed files are exactly
 * what scripts/make-icons.js draws (so the script, not a stray edit, is their source).
 * Decoding uses Node's own zlib.crc32/inflate, independent of the script's encoder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const ROOT = path.resolve(__dirname, '..', '..');
const SIZES = [16, 32, 64, 80, 128];

// The script runs as a child process, as a developer would run it; inside jest's module sandbox
// its pixel loops run more than ten times slower.
let regenerated: string;
beforeAll(() => {
  regenerated = fs.mkdtempSync(path.join(os.tmpdir(), 'partage-icons-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'make-icons.js'), regenerated], { stdio: 'pipe' });
});
afterAll(() => fs.rmSync(regenerated, { recursive: true, force: true }));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** Alpha of every pixel (8-bit RGBA, filters undone). */
  alpha: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Minimal PNG reader for 8-bit RGBA, non-interlaced files; throws on anything malformed. */
function decodePng(file: Buffer): DecodedPng {
  if (!file.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('bad signature');
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  let ended = false;
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    const crc = file.readUInt32BE(offset + 8 + length);
    if (zlib.crc32(file.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') header = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!header || !ended || offset !== file.length) throw new Error('missing IHDR/IEND or trailing bytes');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const bitDepth = header[8];
  const colourType = header[9];
  if (bitDepth !== 8 || colourType !== 6 || header[12] !== 0) throw new Error('not 8-bit RGBA non-interlaced');
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * 4;
  if (raw.length !== (stride + 1) * height) throw new Error(`image data has ${raw.length} bytes`);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`bad filter type ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = pixels[i * 4 + 3];
  return { width, height, bitDepth, colourType, alpha };
}

describe.each(SIZES)('assets/icon-%i.png', (size) => {
  const file = fs.readFileSync(path.join(ROOT, 'assets', `icon-${size}.png`));

  test('is a valid RGBA PNG of that size', () => {
    const png = decodePng(file);
    expect([png.width, png.height]).toEqual([size, size]);
  });

  test('draws something and keeps a transparent background', () => {
    const { alpha } = decodePng(file);
    const opaque = alpha.filter((a) => a === 255).length;
    expect(opaque / alpha.length).toBeGreaterThan(0.3);
    expect(alpha[0]).toBe(0);
  });

  test('is what scripts/make-icons.js draws', () => {
    expect(fs.readFileSync(path.join(regenerated, `icon-${size}.png`)).equals(file)).toBe(true);
  });
});

test('the script draws exactly the sizes checked here', () => {
  expect(fs.readdirSync(regenerated).sort()).toEqual(SIZES.map((size) => `icon-${size}.png`).sort());
});

test('every image the manifest names exists with the size it is declared for', () => {
  const manifest = fs.readFileSync(path.join(ROOT, 'manifest.xml'), 'utf8');
  const declared: Array<[string, number]> = [];
  // IconUrl is 32 px and HighResolutionIconUrl 64 px (IconUrl / HighResolutionIconUrl references).
  for (const [element, size] of [
    ['IconUrl', 32],
    ['HighResolutionIconUrl', 64],
  ] as const) {
    const match = new RegExp(`<${element} DefaultValue="([^"]+)"`).exec(manifest);
    if (!match) throw new Error(`no ${element}`);
    declared.push([match[1], size]);
  }
  const sizeOfResid = new Map<string, number>();
  for (const match of manifest.matchAll(/<bt:Image size="(\d+)" resid="([^"]+)"/g)) sizeOfResid.set(match[2], Number(match[1]));
  for (const match of manifest.matchAll(/<bt:Image id="([^"]+)" DefaultValue="([^"]+)"/g)) {
    const size = sizeOfResid.get(match[1]);
    if (size === undefined) throw new Error(`image ${match[1]} is never used with a size`);
    declared.push([match[2], size]);
  }
  expect(declared.length).toBeGreaterThanOrEqual(5);
  for (const [url, size] of declared) {
    const relative = new URL(url).pathname.replace(/^\//, '');
    const png = decodePng(fs.readFileSync(path.join(ROOT, relative)));
    expect({ url, width: png.width, height: png.height }).toEqual({ url, width: size, height: size });
  }
});
