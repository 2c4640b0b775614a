import { useEffect, useRef } from 'react';
import { createQrReader } from './qr-decode';

export type CameraProblem = 'denied' | 'missing' | 'failed';

/** getUserMedia's error names, as the three things the user can act on. */
function problemOf(e: unknown): CameraProblem {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'missing';
  return 'failed';
}

/**
 * The camera's picture (video only: the microphone is never asked for), read frame by frame until a
 * QR code shows; then the camera is turned off and `onCode` gets the code's text, once. Unmounting
 * also turns the camera off.
 */
export function CameraScanner({ label, onCode, onProblem }: { label: string; onCode: (text: string) => void; onProblem: (p: CameraProblem) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  // The latest callbacks, so the camera is not restarted when the parent re-renders.
  const handlers = useRef({ onCode, onProblem });
  handlers.current = { onCode, onProblem };

  useEffect(() => {
    let stream: MediaStream | null = null;
    let frame = 0;
    let live = true;
    const stop = (): void => {
      live = false;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
      stream = null;
    };
    const read = createQrReader();
    const scan = (): void => {
      const video = videoRef.current;
      if (!live || video === null) return;
      const text = video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA ? read(video) : null;
      if (text === null) {
        frame = requestAnimationFrame(scan);
        return;
      }
      stop();
      handlers.current.onCode(text);
    };
    // Through a promise, so a page without mediaDevices (no secure context) also lands in catch.
    Promise.resolve()
      .then(() => navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }))
      .then(async (s) => {
        if (!live) {
          s.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = s;
        const video = videoRef.current;
        if (video === null) return;
        video.srcObject = s;
        await video.play();
        scan();
      })
      .catch((e: unknown) => {
        if (!live) return;
        stop();
        handlers.current.onProblem(problemOf(e));
      });
    return stop;
  }, []);

  return <video ref={videoRef} className="qr-camera" aria-label={label} muted playsInline />;
}
