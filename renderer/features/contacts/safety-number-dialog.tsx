import { useEffect, useId, useState } from 'react';
import type { SafetyNumberView } from '../../../shared/domain/views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { Dialog } from '../../components/dialog';
import { VerifiedMark } from '../../components/verified-mark';
import { useI18n } from '../../i18n/i18n-context';
import { reloadPeople } from '../../state/app-loader';
import { useAppStore } from '../../state/app-store';
import { QrCode } from './qr-code';
import { ScanControls } from './scan-controls';

/**
 * A contact's safety number and its QR code. The two people compare them in person: by scanning the
 * other's code (camera or a picture of it), or by pasting the other's number (or their QR code's
 * text). Either is checked by the core, which marks them verified only when it matches. "They
 * match" marks verified after comparing by eye.
 */
export function SafetyNumberDialog({ userId, onClose }: { userId: string; onClose: () => void }) {
  const { t, errorText } = useI18n();
  const store = useAppStore();
  const fieldId = useId();
  const [view, setView] = useState<SafetyNumberView | null>(null);
  const [entered, setEntered] = useState('');
  const [error, setError] = useState<ErrorCode | null>(null);
  const [busy, setBusy] = useState(false);
  // Where the last attempt came from, so its outcome shows next to it (a scan's under the scan buttons).
  const [errorAt, setErrorAt] = useState<'scan' | 'form'>('form');

  useEffect(() => {
    let live = true;
    call('contacts.safetyNumber', { userId }).then(
      (v) => live && setView(v),
      (e: unknown) => live && setError(toCallError(e).code),
    );
    return () => {
      live = false;
    };
  }, [userId]);

  const act = async (request: () => Promise<SafetyNumberView>, from: 'scan' | 'form' = 'form'): Promise<void> => {
    setError(null);
    setErrorAt(from);
    setBusy(true);
    try {
      setView(await request());
      setEntered('');
      await reloadPeople(store);
    } catch (e) {
      setError(toCallError(e).code);
    } finally {
      setBusy(false);
    }
  };

  const name = view?.displayName ?? '';
  return (
    <Dialog title={t('verify.title', { name })} onClose={onClose} wide>
      <div className="safety-number">
        {view === null ? (
          error === null ? <p className="muted">{t('common.working')}</p> : <p className="field-error" role="alert">{errorText(error)}</p>
        ) : (
          <>
            <p className="muted">{t('verify.explain', { name })}</p>
            <div className="safety-number-body">
              <QrCode text={view.qrPayload} label={t('verify.qrLabel', { name })} />
              <p className="safety-digits" aria-label={t('verify.numberLabel')} data-testid="safety-number">
                {view.groups.map((g, i) => (
                  <span key={i}>{g}</span>
                ))}
              </p>
            </div>
            <p className="safety-status" role="status">
              {view.verified ? (
                <>
                  <VerifiedMark name={name} /> {t('verify.isVerified', { name })}
                </>
              ) : (
                t('verify.notVerified', { name })
              )}
            </p>
            <ScanControls name={name} disabled={busy} onStart={() => setError(null)} onCode={(text) => void act(() => call('contacts.verify', { userId, entered: text }), 'scan')} />
            {error !== null && errorAt === 'scan' && (
              <p className="field-error" role="alert">
                {errorText(error)}
              </p>
            )}
            <form
              className="form safety-compare"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => call('contacts.verify', { userId, entered }));
              }}
            >
              <label htmlFor={fieldId}>{t('verify.enterLabel', { name })}</label>
              <textarea id={fieldId} rows={2} value={entered} onChange={(e) => setEntered(e.target.value)} spellCheck={false} />
              {error !== null && errorAt === 'form' && (
                <p className="field-error" role="alert">
                  {errorText(error)}
                </p>
              )}
              <div className="button-row end">
                <button type="submit" className="button primary" disabled={entered.trim().length === 0}>
                  {t('verify.compare')}
                </button>
                {view.verified ? (
                  <button type="button" className="button" onClick={() => void act(() => call('contacts.unverify', { userId }))}>
                    {t('verify.unmark')}
                  </button>
                ) : (
                  <button type="button" className="button" onClick={() => void act(() => call('contacts.verify', { userId }))}>
                    {t('verify.markMatch')}
                  </button>
                )}
              </div>
            </form>
          </>
        )}
      </div>
    </Dialog>
  );
}
