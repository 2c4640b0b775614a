import { useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { CameraScanner, type CameraProblem } from './camera-scanner';
import { readQrInPicture } from './qr-decode';

type Problem = CameraProblem | 'no-code';

const PROBLEM_KEYS = {
  denied: 'verify.scanCameraDenied',
  missing: 'verify.scanCameraMissing',
  failed: 'verify.scanCameraFailed',
  'no-code': 'verify.scanNoCode',
} as const;

/**
 * "Scan their code" (the camera) and "Open a picture" (a photo or screenshot of their code). The
 * code's text goes to `onCode`, which compares it like a typed number; here only what could not be
 * read is reported (no camera, camera refused, no QR code in the picture). `onStart` lets the
 * dialog clear the outcome of the previous attempt.
 */
export function ScanControls({ name, disabled, onStart, onCode }: { name: string; disabled: boolean; onStart: () => void; onCode: (text: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const found = (text: string): void => {
    setScanning(false);
    onCode(text);
  };

  const openPicture = async (file: File): Promise<void> => {
    setScanning(false);
    const text = await readQrInPicture(file);
    if (text === null) setProblem('no-code');
    else found(text);
  };

  return (
    <div className="qr-scan">
      <div className="button-row">
        {scanning ? (
          <button type="button" className="button" onClick={() => setScanning(false)}>
            {t('verify.scanStop')}
          </button>
        ) : (
          <button
            type="button"
            className="button"
            disabled={disabled}
            onClick={() => {
              setProblem(null);
              onStart();
              setScanning(true);
            }}
          >
            {t('verify.scan')}
          </button>
        )}
        <label htmlFor={`${id}-picture`} className={`button${disabled ? ' disabled' : ''}`}>
          {t('verify.scanPicture')}
        </label>
        <input
          id={`${id}-picture`}
          className="visually-hidden"
          type="file"
          accept="image/*"
          disabled={disabled}
          aria-describedby={problem === null ? undefined : `${id}-problem`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            setProblem(null);
            onStart();
            if (file !== undefined) void openPicture(file);
          }}
        />
      </div>
      {scanning && (
        <div className="qr-camera-frame">
          <CameraScanner
            label={t('verify.scanCameraLabel', { name })}
            onCode={found}
            onProblem={(p) => {
              setScanning(false);
              setProblem(p);
            }}
          />
          <p className="muted">{t('verify.scanHint', { name })}</p>
        </div>
      )}
      {problem !== null && (
        <p id={`${id}-problem`} className="field-error" role="alert">
          {t(PROBLEM_KEYS[problem])}
        </p>
      )}
    </div>
  );
}
