import { describe, expect, it } from '@jest/globals';
import { en } from './en';
import { fr } from './fr';
import { nl } from './nl';
import { chooseLanguage } from './language';

/**
 * The values a message needs (`{name}`), so a translation cannot drop or rename one. The catalogues use
 * plain ICU arguments only; an ASCII apostrophe would start an ICU quote, so none is allowed.
 */
function placeholders(message: string): string[] {
  expect(message).not.toContain("'");
  return [...message.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((match) => match[1]).sort();
}

describe('Care app message catalogues', () => {
  const translations = { nl, fr } as Record<string, Record<string, string>>;

  it.each(Object.keys(translations))('%s has exactly the English keys', (language) => {
    expect(Object.keys(translations[language]).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(translations))('%s keeps every placeholder of the English message', (language) => {
    for (const [key, english] of Object.entries(en)) {
      const translated = translations[language][key];
      expect(translated.trim()).not.toBe('');
      expect({ key, placeholders: placeholders(translated) }).toEqual({
        key,
        placeholders: placeholders(english),
      });
    }
  });

  it('chooses a choice made here, then the user’s preferred language, then the browser’s, then English', () => {
    expect(chooseLanguage('fr', 'nl', ['en-GB'])).toBe('fr');
    expect(chooseLanguage(null, 'nl-BE', ['fr-BE'])).toBe('nl');
    expect(chooseLanguage(null, 'de', ['de-DE', 'fr-BE', 'nl'])).toBe('fr');
    expect(chooseLanguage('xx', undefined, ['es'])).toBe('en');
  });
});
