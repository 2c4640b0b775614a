import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n-context';
import { useHostLink } from './host-link-store';
import './host-link.css';

/** Says, as an alert, that the process holding the profile stopped answering; nothing while it answers. */
export function HostLinkBanner() {
  const { t } = useI18n();
  const { up } = useHostLink();
  if (up) return null;
  return (
    <div className="host-link-banner" role="alert" data-state="host-gone">
      <span className="connection-dot" aria-hidden="true" />
      <span>{t('hostLink.gone')}</span>
    </div>
  );
}

/**
 * Disables every control beneath it while the host is gone (a disabled fieldset: buttons, fields and
 * links in forms really refuse, not just look faded), and mounts its content afresh when it returns.
 */
export function HostGate({ children }: { children: ReactNode }) {
  const { up, epoch } = useHostLink();
  return (
    <fieldset key={epoch} className="host-gate" disabled={!up} aria-busy={!up}>
      {children}
    </fieldset>
  );
}
