import { useEffect, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { createTypeahead } from './typeahead';

/** Long enough to skip the keystrokes of a word being typed, short enough to feel immediate. */
const PAUSE_MS = 250;
const LIMIT = 100;

export interface SearchAsYouType {
  /** The answer for the newest text searched so far (null: nothing searched, or the text was cleared). */
  results: MessageView[] | null;
  searching: boolean;
  error: unknown;
}

const NOTHING: SearchAsYouType = { results: null, searching: false, error: undefined };

/** Searches every chat for `text` as it changes (see typeahead.ts); earlier results stay shown until newer ones arrive. */
export function useSearchAsYouType(text: string): SearchAsYouType {
  const [state, setState] = useState<SearchAsYouType>(NOTHING);
  const [typeahead] = useState(() =>
    createTypeahead<MessageView[]>({
      delayMs: PAUSE_MS,
      run: (t) => call('messages.search', { text: t, limit: LIMIT }),
      started: () => setState((s) => ({ ...s, searching: true })),
      show: (_, results) => setState({ results, searching: false, error: undefined }),
      fail: (_, error) => setState({ results: null, searching: false, error }),
    }),
  );

  useEffect(() => {
    typeahead.type(text);
    if (text.trim().length === 0) setState(NOTHING);
  }, [typeahead, text]);
  useEffect(() => () => typeahead.stop(), [typeahead]);

  return state;
}
