import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ErrorCode } from '../../shared/errors/error-codes';
import { ERROR_WORDS_EN } from './error-words-en';
import { ERROR_WORDS_JA } from './error-words-ja';
import { STRINGS_EN, type StringKey } from './strings-en';
import { STRINGS_JA } from './strings-ja';

export type Language = 'en' | 'ja';
export type Params = Record<string, string | number>;

export interface I18n {
  lang: Language;
  t(key: StringKey, params?: Params): string;
  /** The UI's own words for a core error code. */
  errorText(code: ErrorCode): string;
  time(ms: number): string;
  dateTime(ms: number): string;
  /** "Today", "Yesterday" or a full local date, for day separators. */
  day(ms: number): string;
}

const TABLES: Record<Language, Record<StringKey, string>> = { en: STRINGS_EN, ja: STRINGS_JA };
const ERRORS: Record<Language, Record<ErrorCode, string>> = { en: ERROR_WORDS_EN, ja: ERROR_WORDS_JA };

/** 'system' follows the browser's (Electron: the OS's) preferred language; only en and ja exist. */
export function resolveLanguage(setting: 'system' | 'en' | 'ja' | undefined, navigatorLanguage: string): Language {
  if (setting === 'en' || setting === 'ja') return setting;
  return navigatorLanguage.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

function fill(template: string, params: Params | undefined): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The local calendar day of a moment, as a comparable key (the user's time zone, not UTC). */
export function localDayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function createI18n(lang: Language): I18n {
  const table = TABLES[lang];
  const locale = lang === 'ja' ? 'ja-JP' : undefined;
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dayFormat = new Intl.DateTimeFormat(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  const t = (key: StringKey, params?: Params): string => fill(table[key], params);
  return {
    lang,
    t,
    errorText: (code) => ERRORS[lang][code],
    time: (ms) => timeFormat.format(ms),
    dateTime: (ms) => dateTimeFormat.format(ms),
    day: (ms) => {
      const key = localDayKey(ms);
      const now = Date.now();
      if (key === localDayKey(now)) return t('chat.today');
      const yesterday = new Date(now);
      yesterday.setDate(yesterday.getDate() - 1);
      if (key === localDayKey(yesterday.getTime())) return t('chat.yesterday');
      return dayFormat.format(ms);
    },
  };
}

const I18nContext = createContext<I18n>(createI18n('en'));

export function I18nProvider({ lang, children }: { lang: Language; children: ReactNode }) {
  const value = useMemo(() => createI18n(lang), [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
