import type { Weekday } from '@bridge/contracts';

/** A moment read on the wall clock of a time zone (IANA name). */
export interface ZonedParts {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** minutes since local midnight */
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function fields(at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
}

export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const f = fields(at, timeZone);
  return {
    date: `${f.year}-${f.month}-${f.day}`,
    weekday: f.weekday.toLowerCase() as Weekday,
    minuteOfDay: Number(f.hour) * 60 + Number(f.minute),
  };
}

/** The zone's wall clock at that moment, written as if it were UTC (ms). */
function wallClock(at: number, timeZone: string): number {
  const f = fields(new Date(at), timeZone);
  return Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour, +f.minute, +f.second);
}

/**
 * The moment a wall-clock time of a local date happens in the zone. On the DST overlap (a time that
 * happens twice) the first of the two; in the gap (a time that never happens) the moment the clock
 * jumps past it.
 */
export function zonedMoment(date: string, minuteOfDay: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  // The offsets that apply a day either side cover both sides of any transition.
  const candidates = [wall - 86_400_000, wall + 86_400_000]
    .map((probe) => wall - (wallClock(probe, timeZone) - probe))
    .sort((a, b) => a - b);
  const exact = candidates.find((moment) => wallClock(moment, timeZone) === wall);
  if (exact !== undefined) return new Date(exact);
  // In the gap: the earlier offset's reading lands after the jump.
  return new Date(candidates[candidates.length - 1]);
}

/** The local date one day before `date` (YYYY-MM-DD). */
export function previousDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}
