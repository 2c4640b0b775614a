import { useState } from 'react';
import type { SlimInvitationView } from '../../../shared/domain/slim-session-views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { Avatar } from '../../components/avatar';
import { useI18n } from '../../i18n/i18n-context';
import { setSlimState, useOpenSlimSession } from './slim-sessions-store';

/**
 * An invitation from a SLIM app, shown like a Kizuna invitation but marked "SLIM session", with the
 * identity the inviter's token proves. Too late (SLIM's moderator stopped retrying): "expired".
 */
export function SlimInvitationItem({ invitation }: { invitation: SlimInvitationView }) {
  const { t, errorText } = useI18n();
  const open = useOpenSlimSession();
  const [error, setError] = useState<ErrorCode | null>(null);
  const answer = async (accept: boolean): Promise<void> => {
    setError(null);
    try {
      const state = await call('slim.answer', { sessionId: invitation.sessionId, accept });
      setSlimState(state);
      if (accept && state.invitations.find((i) => i.sessionId === invitation.sessionId)?.state !== 'expired') open(invitation.sessionId);
    } catch (e) {
      setError(toCallError(e).code);
    }
  };
  const expired = invitation.state === 'expired';
  return (
    <li className="invitation slim-invitation" aria-label={t('slim.invitationLabel', { name: invitation.moderator })} data-slim-session={invitation.sessionId}>
      <Avatar id={invitation.moderatorIdentity} name={invitation.moderator} size={40} />
      <div className="invitation-text">
        <span className="group-name">
          {invitation.moderator} <span className="slim-badge">{t('slim.badge')}</span>
        </span>
        <span className="muted small">{t('slim.verifiedAs', { identity: invitation.moderatorIdentity })}</span>
        {invitation.mls && <span className="muted small">{t('slim.mls')}</span>}
        {error !== null && (
          <span className="field-error" role="alert">
            {errorText(error)}
          </span>
        )}
        {expired ? (
          <span className="slim-expired" role="status">
            {t('slim.expired')}
            <button type="button" className="button small" onClick={() => void answer(false)}>
              {t('common.close')}
            </button>
          </span>
        ) : (
          <span className="button-row">
            <button type="button" className="button primary small" disabled={invitation.state === 'joining'} onClick={() => void answer(true)}>
              {invitation.state === 'joining' ? t('slim.joining') : t('invitations.accept')}
            </button>
            <button type="button" className="button small" disabled={invitation.state === 'joining'} onClick={() => void answer(false)}>
              {t('invitations.decline')}
            </button>
          </span>
        )}
      </div>
    </li>
  );
}
