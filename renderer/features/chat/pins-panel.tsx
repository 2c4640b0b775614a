import { useCallback, useEffect, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useKizunaEvent } from '../../api/use-kizuna-event';
import { SidePanel } from '../../components/side-panel';
import { useI18n } from '../../i18n/i18n-context';
import { MessageResultList } from './message-result-list';

/** The chat's pinned messages, kept current by `pin` and `messages-retracted` events; a pin opens the history around it. */
export function PinsPanel({ groupId, onJump, onClose }: { groupId: string; onJump: (messageId: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [pins, setPins] = useState<MessageView[] | null>(null);
  const reload = useCallback(() => {
    void call('messages.listPins', { groupId }).then(setPins, () => setPins([]));
  }, [groupId]);
  useEffect(reload, [reload]);
  useKizunaEvent('pin', (e) => {
    if (e.groupId === groupId) reload();
  });
  // A retracted message's pin went with it (cutoff-retraction.ts).
  useKizunaEvent('messages-retracted', (e) => {
    if (e.groupId === groupId) reload();
  });
  return (
    <SidePanel title={t('pins.title')} onClose={onClose}>
      {pins === null ? (
        <p className="muted">{t('common.working')}</p>
      ) : pins.length === 0 ? (
        <p className="muted">{t('pins.empty')}</p>
      ) : (
        <MessageResultList messages={pins} label={t('pins.title')} onJump={onJump} />
      )}
    </SidePanel>
  );
}
