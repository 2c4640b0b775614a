/**
 * Draws build/icons/icon.png (512×512 RGBA): two linked rings (kizuna, "bond") on a rounded square.
 * Run once with `node --import tsx scripts/make-icon.ts`; the PNG is committed. electron-builder
 * derives the .icns and .ico from it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { projectRoot } from './project-root.js';

const SIZE = 512;

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const clamp = (v: number): number => Math.max(0, Math.min(1, v));

/** Coverage of a pixel by a shape given its signed distance (negative inside), 1px anti-aliasing. */
const cover = (d: number): number => clamp(0.5 - d);

function roundedSquare(x: number, y: number): number {
  const half = SIZE / 2 - 16;
  const r = 96;
  const qx = Math.abs(x - SIZE / 2) - (half - r);
  const qy = Math.abs(y - SIZE / 2) - (half - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function ring(x: number, y: number, cx: number, cy: number): number {
  return Math.abs(Math.hypot(x - cx, y - cy) - 92) - 22;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const px = x + 0.5;
    const py = y + 0.5;
    const t = (px + py) / (2 * SIZE);
    // background: indigo → teal
    let r = 79 + (20 - 79) * t;
    let g = 70 + (184 - 70) * t;
    let b = 229 + (166 - 229) * t;
    const dLeft = ring(px, py, 200, 256);
    const dRight = ring(px, py, 312, 256);
    // The left ring passes over the right one at the top crossing, under it at the bottom: linked.
    // The ring underneath is cut by a thin gap around the one on top.
    const [dTop, dUnder] = py < 256 ? [dLeft, dRight] : [dRight, dLeft];
    const white = Math.max(cover(dTop), cover(dUnder) * (1 - cover(dTop - 8)));
    r = r * (1 - white) + 255 * white;
    g = g * (1 - white) + 255 * white;
    b = b * (1 - white) + 255 * white;
    const a = cover(roundedSquare(px, py));
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    raw[o] = Math.round(r);
    raw[o + 1] = Math.round(g);
    raw[o + 2] = Math.round(b);
    raw[o + 3] = Math.round(a * 255);
  }
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', new Uint8Array()),
]);
const out = join(projectRoot(), 'build', 'icons', 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
