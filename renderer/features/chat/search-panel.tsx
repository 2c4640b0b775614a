import { useId, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { SidePanel } from '../../components/side-panel';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { MessageResultList } from './message-result-list';

/** Full-text search (the core's FTS5) within the chat; a hit opens the history around it. */
export function SearchPanel({ groupId, onJump, onClose }: { groupId: string; onJump: (messageId: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [results, setResults] = useState<MessageView[] | null>(null);
  const errors = useFieldErrors({ text: ['SEARCH_QUERY_INVALID'] }, { text: 'text' });
  const { busy, run } = useBusyAction(errors);

  const search = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      setResults(await call('messages.search', { text, groupId, limit: 100 }));
    }, 'form', () => setResults(null));
  };

  return (
    <SidePanel title={t('search.title')} onClose={onClose}>
      <form className="form inline-form" role="search" onSubmit={(e) => void search(e)} noValidate>
        <div className="field grow">
          <label htmlFor={`${id}-q`}>{t('search.field')}</label>
          <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} {...describedBy(`${id}-q-error`, errors.problem('text'))} />
          <FieldError id={`${id}-q-error`} problem={errors.problem('text')} />
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {t('search.button')}
        </button>
      </form>
      <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
      {results !== null &&
        (results.length === 0 ? (
          <p className="muted" role="status">
            {t('search.empty')}
          </p>
        ) : (
          <MessageResultList messages={results} label={t('search.results')} onJump={onJump} />
        ))}
    </SidePanel>
  );
}
