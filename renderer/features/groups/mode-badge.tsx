import type { EncryptionMode } from '../../../shared/domain/views';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';

/** The group's encryption at a glance; "not encrypted" is styled as a warning on purpose. */
export function ModeBadge({ mode }: { mode: EncryptionMode }) {
  const { t } = useI18n();
  return (
    <span className={`mode-badge mode-${mode}`}>
      {mode !== 'none' && <Icon name="lock" size={12} />}
      {t(`mode.${mode}`)}
    </span>
  );
}
