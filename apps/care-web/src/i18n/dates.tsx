import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Hospital } from '../api/types';
import { useLanguage } from './index';

/**
 * Times are read in the hospital's time zone, not the reader's browser's, and always name the zone.
 * The zone is the hospital's own (`timezone`); until it is known, or where no one hospital applies (the
 * platform-wide message log), the zone the platform's first hospitals share.
 */
export const DEFAULT_TIME_ZONE = 'Europe/Brussels';

const TimeZoneContext = createContext<string>(DEFAULT_TIME_ZONE);

/** Times inside are shown in `timeZone` (a hospital's page in the console). */
export function TimeZoneProvider({ timeZone, children }: { timeZone?: string; children: ReactNode }) {
  return (
    <TimeZoneContext.Provider value={timeZone ?? DEFAULT_TIME_ZONE}>{children}</TimeZoneContext.Provider>
  );
}

/** For a hospital's session: its own zone, read once from GET /v1/hospital. */
export function OwnHospitalTimeZone({
  hospitalId,
  children,
}: {
  hospitalId: string | null;
  children: ReactNode;
}) {
  const [hospital, setHospital] = useState<Hospital | null>(null);
  useEffect(() => {
    if (!hospitalId) return;
    let current = true;
    api<Hospital>('GET', '/v1/hospital')
      .then((loaded) => current && setHospital(loaded))
      // The default zone stays: a time in a named zone is still right, only less convenient.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [hospitalId]);
  return (
    <TimeZoneProvider timeZone={hospitalId ? hospital?.timezone : undefined}>{children}</TimeZoneProvider>
  );
}

export function formatDateTime(iso: string, language: string, timeZone = DEFAULT_TIME_ZONE): string {
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

export function formatDate(iso: string, language: string, timeZone = DEFAULT_TIME_ZONE): string {
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
  const timeZone = useContext(TimeZoneContext);
  return useMemo(
    () => ({
      timeZone,
      dateTime: (iso: string) => formatDateTime(iso, language, timeZone),
      date: (iso: string) => formatDate(iso, language, timeZone),
    }),
    [language, timeZone],
  );
}
