import type { SendState } from '../../../shared/domain/views';
import { Icon, type IconName } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';

const ICONS: Record<Exclude<SendState, 'received'>, IconName> = {
  pending: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
};

/** Where one of our messages is: pending and failed in words (they need attention), the rest as ticks. */
export function SendStateMark({ state }: { state: SendState }) {
  const { t } = useI18n();
  if (state === 'received') return null;
  const label = t(`message.state.${state}`);
  const spelled = state === 'pending' || state === 'failed';
  return (
    <span className={`send-state send-state-${state}`} title={label} data-testid="send-state">
      <Icon name={ICONS[state]} size={14} />
      <span className={spelled ? 'send-state-text' : 'visually-hidden'}>{label}</span>
    </span>
  );
}
