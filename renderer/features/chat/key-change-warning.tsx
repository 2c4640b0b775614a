import { useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { reloadPeople } from '../../state/app-loader';
import { useAppStore } from '../../state/app-store';
import { SafetyNumberDialog } from '../contacts/safety-number-dialog';

/**
 * One line per member whose keys changed after we verified them (issue 11): "Bob's safety number
 * changed. Verify again." It stays until the user acknowledges it or verifies the new number.
 */
export function KeyChangeWarning({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const store = useAppStore();
  const [verifying, setVerifying] = useState<string | null>(null);
  const changed = group.members.filter((m) => !m.isSelf && m.keyChanged === true);
  if (changed.length === 0 && verifying === null) return null;
  return (
    <div className="key-change-warnings">
      {changed.map((m) => (
        <p key={m.userId} className="key-change-warning" role="alert">
          <Icon name="alert" size={16} />
          <span>{t('verify.changedLine', { name: m.displayName })}</span>
          <button type="button" className="button small" onClick={() => setVerifying(m.userId)}>
            {t('verify.again')}
          </button>
          <button
            type="button"
            className="button small subtle"
            aria-label={t('verify.acknowledgeLabel', { name: m.displayName })}
            onClick={() => void call('contacts.acknowledgeKeyChange', { userId: m.userId }).then(() => reloadPeople(store))}
          >
            {t('verify.acknowledge')}
          </button>
        </p>
      ))}
      {verifying !== null && <SafetyNumberDialog userId={verifying} onClose={() => setVerifying(null)} />}
    </div>
  );
}
