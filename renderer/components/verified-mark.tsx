import { useI18n } from '../i18n/i18n-context';
import { Icon } from './icon';

/** The mark beside a person we compared safety numbers with (contact list, chat header, member lists). */
export function VerifiedMark({ name }: { name: string }) {
  const { t } = useI18n();
  const label = t('verify.markLabel', { name });
  return (
    <span className="verified-mark" role="img" aria-label={label} title={label}>
      <Icon name="check" size={12} />
    </span>
  );
}
