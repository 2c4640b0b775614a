import { useId, useMemo } from 'react';
import { searchWords } from '../../../shared/domain/search-words';
import { toCallError } from '../../api/call-error';
import { FieldError, describedBy } from '../../components/field-error';
import { SidePanel } from '../../components/side-panel';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { SearchResultList, type SearchHit } from './search-result-list';
import { useSearchAsYouType } from './use-search-as-you-type';

/**
 * Search across every chat (groups and direct chats) as you type, in any language; a result opens
 * its chat at that message. The text lives in the app state, so it is still there (and searched
 * again) after a result in another chat was opened.
 */
export function SearchPanel({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const text = useAppState((s) => s.searchText);
  const groups = useAppState((s) => s.groups);
  const { results, searching, error } = useSearchAsYouType(text);
  const words = useMemo(() => searchWords(text), [text]);
  // A message of a chat no longer listed (left and deleted) cannot be opened, so it is not offered.
  const hits = useMemo(
    () =>
      (results ?? []).flatMap((message): SearchHit[] => {
        const group = groups[message.groupId];
        return group === undefined ? [] : [{ message, group }];
      }),
    [results, groups],
  );
  const problem = error === undefined ? undefined : { code: toCallError(error).code };

  const status = searching
    ? t('search.searching')
    : results === null
      ? ''
      : hits.length === 0
        ? t('search.empty')
        : hits.length === 1
          ? t('search.found.one')
          : t('search.found', { count: hits.length });

  return (
    <SidePanel title={t('search.title')} onClose={onClose}>
      <form className="form" role="search" onSubmit={(e) => e.preventDefault()} noValidate>
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('search.field')}</label>
          <input
            id={`${id}-q`}
            type="search"
            value={text}
            maxLength={1024}
            autoComplete="off"
            onChange={(e) => store.dispatch({ type: 'search-text', text: e.target.value })}
            {...describedBy(`${id}-q-error`, problem)}
          />
          <FieldError id={`${id}-q-error`} problem={problem} />
        </div>
      </form>
      <p className="muted search-status" role="status">
        {status}
      </p>
      {hits.length > 0 && <SearchResultList hits={hits} words={words} onOpen={(h) => store.dispatch({ type: 'open-message', groupId: h.group.groupId, messageId: h.message.id })} />}
    </SidePanel>
  );
}
