import type { Weekday } from '@bridge/contracts';
import { CronTime } from 'cron';
import { zonedParts } from './zoned-time';

export interface SiuExpectationRule {
  graceMinutes: number;
  closedDays: Weekday[];
  holidays: string[];
}

/** Fire times further back than this are not looked at (a year of a daily schedule). */
const MAX_FIRES_BACK = 400;
const MINUTE = 60_000;

/**
 * The newest time the hospital's SIU schedule fired on an open day whose grace has passed by `now`: a
 * file is owed for it. Closed days and holidays are the fire time's date in the schedule's time zone.
 * undefined when no such fire time exists within MAX_FIRES_BACK fires (or in the last 366 days).
 */
export function lastOwedFireTime(
  schedule: string,
  timeZone: string,
  rule: SiuExpectationRule,
  now: Date,
): Date | undefined {
  const cron = new CronTime(schedule, timeZone);
  const latest = new Date(now.getTime() - rule.graceMinutes * MINUTE);
  const fires = firesBackwards(cron, timeZone, latest);
  for (let i = 0; i < MAX_FIRES_BACK; i++) {
    const fire = fires.next();
    if (fire.done) return undefined;
    const local = zonedParts(fire.value, timeZone);
    if (rule.closedDays.includes(local.weekday) || rule.holidays.includes(local.date)) continue;
    return fire.value;
  }
  return undefined;
}

/**
 * Fire times at or before `until`, newest first. The cron package only looks forward, so each step finds
 * the smallest window before the previous fire that holds a fire and walks it forward.
 */
function* firesBackwards(cron: CronTime, timeZone: string, until: Date): Generator<Date> {
  let end = until.getTime();
  const floor = end - 366 * 24 * 60 * MINUTE;
  while (end > floor) {
    let fire: number | undefined;
    for (const span of [
      MINUTE,
      60 * MINUTE,
      24 * 60 * MINUTE,
      8 * 24 * 60 * MINUTE,
      32 * 24 * 60 * MINUTE,
      367 * 24 * 60 * MINUTE,
    ]) {
      const start = Math.max(end - span, floor);
      fire = lastFireIn(cron, timeZone, start, end);
      if (fire !== undefined || start === floor) break;
    }
    if (fire === undefined) return;
    yield new Date(fire);
    end = fire - 1;
  }
}

/** The last fire time in (start, end], walking forward from start. */
function lastFireIn(cron: CronTime, timeZone: string, start: number, end: number): number | undefined {
  let last: number | undefined;
  let cursor = start;
  for (let steps = 0; steps < 100_000; steps++) {
    const next = cron.getNextDateFrom(new Date(cursor), timeZone).toMillis();
    if (next > end) break;
    last = next;
    cursor = next;
  }
  return last;
}
