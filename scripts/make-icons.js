#!/usr/bin/env node
/*
 * Draws the partage icon (a pie cut into three shares, one share pulled out) and writes it as
 * RGBA PNGs at the sizes the manifest and the stores ask for: assets/icon-{16,32,64,80,128}.png.
 *
 * Why a script rather than checked-in artwork only: the icons stay reproducible from source
 * (no image editor, no network, no native dependency), and re-running it after a colour change
 * regenerates every size consistently. The PNGs it writes are committed, so a build does not
 * need to run it.
 *
 * Usage: node scripts/make-icons.js [outputDir]   (default: assets/)
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SIZES = [16, 32, 64, 80, 128];

// Fluent brand blue, Excel green, and a warm orange: distinguishable for the common forms of
// colour blindness, and all three readable on both the light and the dark ribbon.
const SLICES = [
  { from: -90, to: 30, colour: [0x0f, 0x6c, 0xbd] },
  { from: 30, to: 150, colour: [0x10, 0x7c, 0x41] },
  { from: 150, to: 270, colour: [0xca, 0x50, 0x10], pulledOut: true },
];

// Each pixel averages SUPERSAMPLE² sub-samples: cheap anti-aliasing that keeps the 16 px icon
// from looking jagged.
const SUPERSAMPLE = 8;

function sliceAt(x, y, size) {
  const centre = size / 2;
  const radius = size * 0.42;
  // The gap between shares must stay visible at 16 px, so it is at least one pixel wide.
  const gap = Math.max(1, size * 0.035);
  const pull = size * 0.06;
  for (const slice of SLICES) {
    const mid = ((slice.from + slice.to) / 2) * (Math.PI / 180);
    const cx = centre + (slice.pulledOut ? pull * Math.cos(mid) : 0);
    const cy = centre + (slice.pulledOut ? pull * Math.sin(mid) : 0);
    const dx = x - cx;
    const dy = y - cy;
    if (dx * dx + dy * dy > radius * radius) continue;
    let angle = Math.atan2(dy, dx) * (180 / Math.PI);
    while (angle < slice.from) angle += 360;
    while (angle >= slice.from + 360) angle -= 360;
    if (angle >= slice.to) continue;
    // Distance from the point to each straight edge of the slice, to carve the gap.
    const distance = Math.hypot(dx, dy);
    const toEdge = (deg) => Math.abs(distance * Math.sin(((angle - deg) * Math.PI) / 180));
    if (toEdge(slice.from) < gap / 2 || toEdge(slice.to) < gap / 2) continue;
    return slice;
  }
  return undefined;
}

function drawIcon(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const slice = sliceAt(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE, size);
          if (!slice) continue;
          r += slice.colour[0];
          g += slice.colour[1];
          b += slice.colour[2];
          covered++;
        }
      }
      const o = (py * size + px) * 4;
      if (covered > 0) {
        // Colour is the mean over covered samples (not premultiplied), coverage becomes alpha.
        rgba[o] = Math.round(r / covered);
        rgba[o + 1] = Math.round(g / covered);
        rgba[o + 2] = Math.round(b / covered);
        rgba[o + 3] = Math.round((255 * covered) / samples);
      }
    }
  }
  return rgba;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

// Own CRC-32 (PNG's polynomial) so the script runs on any Node 20, including those before
// zlib.crc32 existed.
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace
  // Every scanline is prefixed by its filter type; 0 (none) keeps the encoder trivial and the
  // icons are small enough that better filtering would save only a few hundred bytes.
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function main() {
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'assets'));
  fs.mkdirSync(outDir, { recursive: true });
  for (const size of SIZES) {
    const file = path.join(outDir, `icon-${size}.png`);
    fs.writeFileSync(file, encodePng(drawIcon(size), size, size));
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}

if (require.main === module) main();

module.exports = { SIZES, drawIcon, encodePng };
