import type { Weekday } from '@bridge/contracts';
import { zonedMoment, zonedParts } from './zoned-time';

export interface OpeningHours {
  /** "07:00-19:00", in the hospital's time zone. */
  openingHours: string;
  days: Weekday[];
}

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number);
  return hours * 60 + mins;
}

/** When today's opening began, if `now` is within opening hours on an open day; undefined when closed. */
export function openedSince(hours: OpeningHours, timeZone: string, now: Date): Date | undefined {
  const [from, to] = hours.openingHours.split('-').map(minutes);
  const local = zonedParts(now, timeZone);
  if (!hours.days.includes(local.weekday)) return undefined;
  if (local.minuteOfDay < from || local.minuteOfDay >= to) return undefined;
  return zonedMoment(local.date, from, timeZone);
}
