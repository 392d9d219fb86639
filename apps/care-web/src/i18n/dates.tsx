import { useMemo } from 'react';
import { useLanguage } from './index';

/**
 * Times are read in the hospital's time zone, not the reader's browser's, and always name the zone.
 * Hospitals do not carry a zone of their own yet; the platform serves Belgian hospitals first.
 */
export const HOSPITAL_TIME_ZONE = 'Europe/Brussels';

export function formatDateTime(iso: string, language: string, timeZone = HOSPITAL_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(date);
}

export function formatDate(iso: string, language: string, timeZone = HOSPITAL_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  }).format(date);
}

/** `dateTime(iso)` and `date(iso)` in the current language and the hospital's zone. */
export function useDates() {
  const { language } = useLanguage();
  return useMemo(
    () => ({
      dateTime: (iso: string) => formatDateTime(iso, language),
      date: (iso: string) => formatDate(iso, language),
    }),
    [language],
  );
}
