import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import { en, type MessageKey } from './en';
import { fr } from './fr';
import { chooseLanguage, LANGUAGES, type Language } from './language';
import { nl } from './nl';

export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, nl, fr };
/** Each language names itself in the switch, so a reader finds theirs whatever is shown now. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', nl: 'Nederlands', fr: 'Français' };
const LANGUAGE_KEY = 'careflow-bridge.language';

interface LanguageContextValue {
  language: Language;
  /** A choice made in the switch: remembered in this browser. */
  choose(language: Language): void;
  /** The signed-in user's `preferredLanguage`, used unless a choice was made here. */
  preferUserLanguage(preferred: string | null | undefined): void;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(() =>
    chooseLanguage(storedLanguage(), null, navigator.languages ?? [navigator.language]),
  );
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const choose = useCallback((next: Language) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    setLanguage(next);
  }, []);
  const preferUserLanguage = useCallback((preferred: string | null | undefined) => {
    setLanguage(chooseLanguage(storedLanguage(), preferred, navigator.languages ?? [navigator.language]));
  }, []);
  const value = useMemo(
    () => ({ language, choose, preferUserLanguage }),
    [language, choose, preferUserLanguage],
  );
  return (
    <LanguageContext.Provider value={value}>
      <IntlProvider locale={language} defaultLocale="en" messages={CATALOGUES[language]}>
        {children}
      </IntlProvider>
    </LanguageContext.Provider>
  );
}

export function useLanguage(): LanguageContextValue {
  const context = useContext(LanguageContext);
  if (!context) throw new Error('useLanguage outside LanguageProvider');
  return context;
}

type Values = Record<string, string | number | ReactNode>;

/** `t(key)` for plain text (labels, aria-labels); `rich(key, { code: <code>…</code> })` when a value is markup. */
export function useText() {
  const intl = useIntl();
  return useMemo(
    () => ({
      t: (key: MessageKey, values?: Record<string, string | number>): string =>
        intl.formatMessage({ id: key }, values),
      rich: (key: MessageKey, values: Values): ReactNode =>
        intl.formatMessage({ id: key }, values as Record<string, ReactNode>),
    }),
    [intl],
  );
}

export function LanguageSwitch() {
  const { language, choose } = useLanguage();
  const { t } = useText();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language.label')}</span>
      <select value={language} onChange={(event) => choose(event.target.value as Language)}>
        {LANGUAGES.map((option) => (
          <option key={option} value={option} lang={option}>
            {LANGUAGE_NAMES[option]}
          </option>
        ))}
      </select>
    </label>
  );
}

export type { MessageKey };
