/** The languages the Care app speaks; the first hospitals work in Dutch and French. */
export const LANGUAGES = ['en', 'nl', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** `nl-BE` → `nl`; anything the app does not speak → undefined. */
export function supportedLanguage(tag: string | null | undefined): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === base);
}

/** An explicit choice in this browser wins, then the user's preferred language, then the browser's languages. */
export function chooseLanguage(
  stored: string | null,
  preferred: string | null | undefined,
  browser: readonly string[],
): Language {
  return (
    supportedLanguage(stored) ??
    supportedLanguage(preferred) ??
    browser.map(supportedLanguage).find(Boolean) ??
    'en'
  );
}
