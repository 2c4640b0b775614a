import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';
import { useHostLink } from './host-link-store';

/**
 * Says how the app is connected: offline, connecting, syncing N of M (with a progress bar) or
 * online. Online is a quiet strip; the others are announced politely to screen readers.
 */
export function ConnectionBanner() {
  const { t, errorText } = useI18n();
  const connection = useAppState((s) => s.connection);
  // With the host gone, its last status is stale: the host-link banner speaks instead.
  const hostUp = useHostLink().up;
  if (connection === null || !hostUp) return null;
  const { state, sync, error } = connection;
  let text: string;
  if (state === 'offline') text = t('connection.offline');
  else if (state === 'connecting') text = t('connection.connecting');
  else if (state === 'syncing') text = t('connection.syncing', { done: sync?.done ?? 0, total: sync?.total ?? 0 });
  else text = t('connection.online');
  return (
    <div className={`connection-banner connection-${state}`} role="status" aria-live="polite" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
      {state === 'syncing' && sync !== null && sync.total > 0 && (
        <progress className="connection-progress" max={sync.total} value={sync.done} aria-label={t('connection.progress')} />
      )}
      {state !== 'online' && error !== null && (
        <span className="connection-error">{t('connection.error', { reason: errorText(error.code) })}</span>
      )}
    </div>
  );
}
