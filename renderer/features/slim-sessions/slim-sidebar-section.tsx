import { useI18n } from '../../i18n/i18n-context';
import { SlimInvitationItem } from './slim-invitation-item';
import { useOpenSlimSession, useOpenSlimSessionId, useSlimUi } from './slim-sessions-store';
import './slim-sessions.css';

/** The chat list's SLIM part: SLIM apps' invitations, then the SLIM sessions joined (nothing when there are none). */
export function SlimSidebarSection() {
  const { t } = useI18n();
  const { state } = useSlimUi();
  const openId = useOpenSlimSessionId();
  const open = useOpenSlimSession();
  if (state.invitations.length === 0 && state.sessions.length === 0) return null;
  return (
    <section className="slim-sessions" aria-labelledby="slim-sessions-title">
      <h2 id="slim-sessions-title" className="section-title">
        {t('slim.title')}
      </h2>
      {state.invitations.length > 0 && (
        <ul className="invitations">
          {state.invitations.map((inv) => (
            <SlimInvitationItem key={inv.sessionId} invitation={inv} />
          ))}
        </ul>
      )}
      <ul className="group-list" aria-label={t('slim.listLabel')}>
        {state.sessions.map((s) => {
          const last = s.messages.at(-1);
          const preview = s.ended !== null ? t(`slim.ended.${s.ended}`) : last === undefined ? t('groups.noMessages') : `${last.mine ? t('common.you') : last.source}: ${last.text}`;
          const selected = s.sessionId === openId;
          return (
            <li key={s.sessionId} className={`group-row${selected ? ' selected' : ''}${s.ended !== null ? ' inactive' : ''}`}>
              <button type="button" className="group-item" aria-current={selected ? 'true' : undefined} data-slim-session={s.sessionId} onClick={() => open(s.sessionId)}>
                <span className="group-item-text">
                  <span className="group-item-top">
                    <span className="group-name">
                      {s.moderator} <span className="slim-badge">{t('slim.badge')}</span>
                    </span>
                  </span>
                  <span className="group-item-bottom">
                    <span className="group-preview">{preview}</span>
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
