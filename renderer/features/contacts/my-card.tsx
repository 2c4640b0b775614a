import { useId } from 'react';
import { CopyButton } from '../../components/copy-button';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';

/** The user's own contact card, shown whole (so it can be selected by hand too) with copy buttons. */
export function MyCard() {
  const { t } = useI18n();
  const id = useId();
  const identity = useAppState((s) => s.identity);
  if (identity === null) return null;
  return (
    <section className="card-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('card.title')}</h2>
      <p className="hint" id={`${id}-hint`}>
        {t('card.hint')}
      </p>
      <label htmlFor={`${id}-card`} className="visually-hidden">
        {t('card.field')}
      </label>
      <textarea
        id={`${id}-card`}
        className="card-text"
        readOnly
        rows={4}
        value={identity.card}
        aria-describedby={`${id}-hint`}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="button-row">
        <CopyButton text={identity.card} label={t('card.copy')} className="button primary" />
        <CopyButton text={identity.cardLink} label={t('card.copyLink')} />
      </div>
    </section>
  );
}
