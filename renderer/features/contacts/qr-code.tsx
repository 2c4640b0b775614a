import { useMemo } from 'react';
import { create } from 'qrcode';

/**
 * A QR code drawn as SVG elements from qrcode's module matrix (its browser build: no Node APIs, and
 * no markup injected, so the page's Content-Security-Policy has nothing to allow).
 */
export function QrCode({ text, label, size = 180 }: { text: string; label: string; size?: number }) {
  const { count, path } = useMemo(() => {
    const modules = create(text, { errorCorrectionLevel: 'M' }).modules;
    let d = '';
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    return { count: modules.size + 8, path: d };
  }, [text]);
  return (
    <svg className="qr-code" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${count} ${count}`} shapeRendering="crispEdges" data-qr-text={text}>
      <rect width={count} height={count} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
