import { Logo } from '../../components/logo';
import { useI18n } from '../../i18n/i18n-context';

/** Shown while the core opens the profile, or when the bridge to it never came up. */
export function BootScreen({ failed }: { failed: boolean }) {
  const { t } = useI18n();
  return (
    <div className="boot-screen" role={failed ? 'alert' : 'status'} aria-busy={!failed}>
      <Logo size={84} className="boot-logo" />
      <p>{failed ? t('app.unavailable') : t('app.loading')}</p>
    </div>
  );
}
