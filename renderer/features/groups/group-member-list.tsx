import { useEffect, useId, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { Avatar } from '../../components/avatar';
import { ConfirmButton } from '../../components/confirm-button';
import { Icon } from '../../components/icon';
import { VerifiedMark } from '../../components/verified-mark';
import { useI18n } from '../../i18n/i18n-context';
import { shownOnline, usePresenceLive } from '../connection/presence-live';
import { useAppStore } from '../../state/app-store';

/**
 * Members with their role, whether they have joined yet, whether they are online (heard from
 * lately: presence-live.ts `shownOnline`), and who vouched for their key when they joined
 * with an identity token.
 */
export function GroupMemberList({ group, admin }: { group: GroupView; admin: boolean }) {
  const { t, errorText } = useI18n();
  const id = useId();
  const store = useAppStore();
  const [error, setError] = useState<{ userId: string; code: ErrorCode } | null>(null);
  // A refusal belongs to the group as it was: any change to the group (or acting again) clears it.
  useEffect(() => setError(null), [group.groupId, group.version]);
  const members = [...group.members].sort((a, b) => Number(b.role === 'admin') - Number(a.role === 'admin') || a.displayName.localeCompare(b.displayName));

  const remove = async (userId: string): Promise<void> => {
    setError(null);
    try {
      const g = await call('groups.removeMembers', { groupId: group.groupId, members: [userId] });
      store.dispatch({ type: 'groups-upserted', groups: [g] });
    } catch (e) {
      setError({ userId, code: toCallError(e).code });
    }
  };

  const presenceLive = usePresenceLive();
  return (
    <section className="details-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {t('details.members')} <span className="muted">({members.length})</span>
      </h3>
      <ul className="people-list" aria-labelledby={`${id}-title`}>
        {members.map((m) => (
          <li key={m.userId} className="person-row">
            <Avatar id={m.userId} name={m.displayName} size={32} />
            <div className="person-text">
              <span className="person-name">
                {m.isSelf ? `${m.displayName} (${t('common.you')})` : m.displayName}
                {m.contactVerified === true && <VerifiedMark name={m.displayName} />}
              </span>
              <span className="person-sub">
                {m.role === 'admin' ? t('details.admin') : t('details.member')} · {m.status === 'joined' ? t('details.joined') : t('details.invited')}
                {shownOnline(m, presenceLive) && (
                  <>
                    {' · '}
                    <span className="person-online">
                      <span className="online-dot" aria-hidden="true" />
                      {t('details.online')}
                    </span>
                  </>
                )}
              </span>
              {m.verifiedIdentity !== null && m.verifiedIdentity !== undefined && (
                <span className="person-verified" title={t('details.verifiedBy', { issuer: m.verifiedIdentity.issuer })}>
                  <Icon name="check" size={12} />
                  {t('details.verified', { subject: m.verifiedIdentity.subject })}
                </span>
              )}
              {error?.userId === m.userId && (
                <span className="field-error" role="alert">
                  {errorText(error.code)}
                </span>
              )}
            </div>
            {admin && !m.isSelf && (
              <ConfirmButton
                label={t('details.removeShort')}
                question={t('details.confirmRemove', { name: m.displayName })}
                className="button small subtle"
                onConfirm={() => void remove(m.userId)}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
