import jsQR from 'jsqr';

/**
 * Finding a QR code's text in pixels (jsQR, in the page: nothing leaves the device). Pictures and
 * camera frames are scaled down first: a safety-number code is large and simple, and jsQR's time
 * grows with the pixel count.
 */
const MAX_SIDE = 1024;

type Drawable = HTMLVideoElement | ImageBitmap;

function sizeOf(source: Drawable): { width: number; height: number } {
  return source instanceof HTMLVideoElement ? { width: source.videoWidth, height: source.videoHeight } : { width: source.width, height: source.height };
}

/** Reuses one canvas per reader (a camera scan reads many frames). */
export function createQrReader(): (source: Drawable) => string | null {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return (source) => {
    const { width, height } = sizeOf(source);
    if (context === null || width === 0 || height === 0) return null;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    // Screens in dark mode may show the code light-on-dark: try both.
    return jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

/** Larger files are not decoded at all (a photo of a screen is a few megabytes). */
const MAX_PICTURE_BYTES = 32 * 1024 * 1024;

/** The QR text in a picture file; null when it is no picture, too large, or shows no readable code. */
export async function readQrInPicture(file: Blob): Promise<string | null> {
  if (file.size > MAX_PICTURE_BYTES) return null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    return createQrReader()(bitmap);
  } finally {
    bitmap.close();
  }
}
