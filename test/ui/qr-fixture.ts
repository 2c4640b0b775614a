import { writeFileSync } from 'node:fs';
import { create } from 'qrcode';
import { encodePng } from './png-fixture.js';

/**
 * QR codes as test input: a PNG picture of one, and a Y4M video showing one, which Chromium plays as
 * its camera (`fakeCameraArgs`). Dark modules are black on white, with the standard 4-module margin.
 */
const MARGIN = 4;

/** Whether the pixel at (x, y) of a code drawn `scale` pixels per module is dark. */
function qrRaster(text: string, scale: number): { size: number; dark: (x: number, y: number) => boolean } {
  const modules = create(text, { errorCorrectionLevel: 'M' }).modules;
  const size = (modules.size + 2 * MARGIN) * scale;
  return {
    size,
    dark: (x, y) => {
      const col = Math.floor(x / scale) - MARGIN;
      const row = Math.floor(y / scale) - MARGIN;
      return col >= 0 && row >= 0 && col < modules.size && row < modules.size && modules.get(row, col) === 1;
    },
  };
}

export function qrPng(text: string, scale = 6): Buffer {
  const { size, dark } = qrRaster(text, scale);
  return encodePng(size, size, (y) => Buffer.from(Array.from({ length: size }, (_, x) => (dark(x, y) ? [0, 0, 0] : [255, 255, 255])).flat()));
}

export const CAMERA_WIDTH = 640;
export const CAMERA_HEIGHT = 480;

/**
 * Writes a Y4M file (4:2:0, full range) whose frames show `text`'s code centred on white, or a blank
 * white picture when `text` is null. Chromium loops the file as long as the camera is on.
 */
export function writeQrY4m(path: string, text: string | null): void {
  const w = CAMERA_WIDTH;
  const h = CAMERA_HEIGHT;
  const raster = text === null ? null : qrRaster(text, 8);
  const luma = Buffer.alloc(w * h, 255);
  if (raster !== null) {
    const left = Math.floor((w - raster.size) / 2);
    const top = Math.floor((h - raster.size) / 2);
    for (let y = 0; y < raster.size; y++) {
      for (let x = 0; x < raster.size; x++) if (raster.dark(x, y)) luma[(top + y) * w + left + x] = 0;
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma]);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\n`, 'ascii'), frame, frame]));
}

/** Chromium switches for a camera that plays `y4mPath`, granted without a prompt. */
export function fakeCameraArgs(y4mPath: string): string[] {
  return ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`, '--use-fake-ui-for-media-stream'];
}
