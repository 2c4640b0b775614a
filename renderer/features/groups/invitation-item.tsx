import { useState } from 'react';
import type { InvitationView } from '../../../shared/domain/views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { Avatar } from '../../components/avatar';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { ModeBadge } from './mode-badge';

/** A pending invitation with accept and decline; accepting opens the group. */
export function InvitationItem({ invitation }: { invitation: InvitationView }) {
  const { t, errorText } = useI18n();
  const store = useAppStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorCode | null>(null);
  const answer = async (accept: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      if (accept) {
        const group = await call('invitations.accept', { groupId: invitation.groupId });
        store.dispatch({ type: 'groups-upserted', groups: [group] });
        store.dispatch({ type: 'open-group', groupId: group.groupId });
      } else {
        await call('invitations.decline', { groupId: invitation.groupId });
      }
      store.dispatch({ type: 'invitation-removed', groupId: invitation.groupId });
    } catch (e) {
      setError(toCallError(e).code);
    } finally {
      setBusy(false);
    }
  };
  const name = invitation.groupName;
  return (
    <li className="invitation" aria-label={t('invitations.label', { name })}>
      <Avatar id={invitation.groupId} name={name} size={40} />
      <div className="invitation-text">
        <span className="group-name">
          {name} <ModeBadge mode={invitation.mode} />
        </span>
        <span className="muted small">{t('invitations.from', { inviter: invitation.inviterName, count: invitation.memberCount })}</span>
        {error !== null && (
          <span className="field-error" role="alert">
            {errorText(error)}
          </span>
        )}
        <span className="button-row">
          <button type="button" className="button primary small" disabled={busy} onClick={() => void answer(true)}>
            {t('invitations.accept')}
          </button>
          <button type="button" className="button small" disabled={busy} onClick={() => void answer(false)}>
            {t('invitations.decline')}
          </button>
        </span>
      </div>
    </li>
  );
}
