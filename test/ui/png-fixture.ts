import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** A real PNG, solid or noisy (noise does not compress, which makes a large file on purpose). */
export function makePng(width: number, height: number, fill: [number, number, number] | 'noise'): Buffer {
  const row = (): Buffer => (fill === 'noise' ? randomBytes(width * 3) : Buffer.from(Array.from({ length: width }, () => fill).flat()));
  return encodePng(width, height, row);
}

/** A real PNG (8-bit RGB) whose rows of `width * 3` bytes come from `row(y)`. */
export function encodePng(width: number, height: number, row: (y: number) => Buffer): Buffer {
  const raw = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), row(y)])));
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
