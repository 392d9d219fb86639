import { lastOwedFireTime } from './siu-expectation';
import { openedSince } from './opening-hours';
import { zonedMoment, zonedParts } from './zoned-time';

const BRUSSELS = 'Europe/Brussels';
const rule = (over: Partial<Parameters<typeof lastOwedFireTime>[2]> = {}) => ({
  graceMinutes: 30,
  closedDays: [],
  holidays: [],
  ...over,
});
const iso = (date: Date | undefined) => date?.toISOString();

describe('when an SIU file is owed (schedule, time zone, grace, closed days, holidays)', () => {
  it("reads the cron in the hospital's time zone: 06:00 Brussels is 05:00 UTC in winter, 04:00 in summer", () => {
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-01-14T07:00:00Z')))).toBe(
      '2026-01-14T05:00:00.000Z',
    );
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-07-14T07:00:00Z')))).toBe(
      '2026-07-14T04:00:00.000Z',
    );
  });

  it('owes nothing for a fire time still within its grace: the day before is owed instead', () => {
    // 06:20 Brussels, grace 30 min: today's 06:00 is not late yet.
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-01-14T05:20:00Z')))).toBe(
      '2026-01-13T05:00:00.000Z',
    );
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-01-14T05:30:00Z')))).toBe(
      '2026-01-14T05:00:00.000Z',
    );
  });

  it('keeps the right hour across the DST days (spring forward and fall back)', () => {
    // 2026-03-29: clocks go 02:00 -> 03:00 in Brussels. 06:00 that day is 04:00 UTC.
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-03-29T06:00:00Z')))).toBe(
      '2026-03-29T04:00:00.000Z',
    );
    // The day before was still winter time.
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-03-29T04:10:00Z')))).toBe(
      '2026-03-28T05:00:00.000Z',
    );
    // 2026-10-25: clocks go 03:00 -> 02:00. 06:00 that day is 05:00 UTC again.
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, rule(), new Date('2026-10-25T06:00:00Z')))).toBe(
      '2026-10-25T05:00:00.000Z',
    );
  });

  it('skips closed days by their local date: a Monday 00:30 fire is Sunday evening in UTC', () => {
    // Weekdays at 06:00; closed Saturday and Sunday. On Monday 2026-01-19 at 05:00 Brussels the last owed
    // file is Friday's.
    const weekend = rule({ closedDays: ['sat', 'sun'] });
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, weekend, new Date('2026-01-19T04:00:00Z')))).toBe(
      '2026-01-16T05:00:00.000Z',
    );
    // 00:30 on Monday in Brussels is 23:30 UTC on Sunday: it is owed (Monday is open).
    expect(iso(lastOwedFireTime('30 0 * * *', BRUSSELS, weekend, new Date('2026-01-19T01:00:00Z')))).toBe(
      '2026-01-18T23:30:00.000Z',
    );
  });

  it('skips holidays, in the zone of the hospital', () => {
    const christmas = rule({ holidays: ['2026-12-25'] });
    expect(iso(lastOwedFireTime('0 6 * * *', BRUSSELS, christmas, new Date('2026-12-25T12:00:00Z')))).toBe(
      '2026-12-24T05:00:00.000Z',
    );
    expect(
      iso(lastOwedFireTime('0 6 * * *', 'America/New_York', christmas, new Date('2026-12-26T03:00:00Z'))),
    ).toBe('2026-12-24T11:00:00.000Z');
  });

  it('finds a weekly fire a week back, a frequent one a minute back, and none for a schedule always closed', () => {
    expect(iso(lastOwedFireTime('0 6 * * 1', BRUSSELS, rule(), new Date('2026-01-18T12:00:00Z')))).toBe(
      '2026-01-12T05:00:00.000Z',
    );
    expect(
      iso(
        lastOwedFireTime(
          '*/5 * * * *',
          BRUSSELS,
          rule({ graceMinutes: 0 }),
          new Date('2026-01-18T12:03:10Z'),
        ),
      ),
    ).toBe('2026-01-18T12:00:00.000Z');
    const never = rule({ closedDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] });
    expect(lastOwedFireTime('0 6 * * *', BRUSSELS, never, new Date('2026-01-18T12:00:00Z'))).toBeUndefined();
  });
});

describe('opening hours of a real-time listener', () => {
  const hours = { openingHours: '07:00-19:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const };

  it('is open from the local opening time on open days only', () => {
    const wednesday = new Date('2026-01-14T08:00:00Z'); // 09:00 Brussels
    expect(iso(openedSince({ ...hours, days: [...hours.days] }, BRUSSELS, wednesday))).toBe(
      '2026-01-14T06:00:00.000Z',
    );
    expect(
      openedSince({ ...hours, days: [...hours.days] }, BRUSSELS, new Date('2026-01-14T18:30:00Z')),
    ).toBeUndefined();
    expect(
      openedSince({ ...hours, days: [...hours.days] }, BRUSSELS, new Date('2026-01-17T10:00:00Z')),
    ).toBeUndefined();
  });

  it('opens at the right moment on the spring DST day', () => {
    // Sunday 2026-03-29, all days open: 07:00 is 05:00 UTC (summer time already).
    const always = { openingHours: '07:00-19:00', days: ['sun' as const] };
    expect(iso(openedSince(always, BRUSSELS, new Date('2026-03-29T06:00:00Z')))).toBe(
      '2026-03-29T05:00:00.000Z',
    );
  });
});

describe('zoned time', () => {
  it('maps a wall-clock time in the DST gap past the jump, and the overlap to its first moment', () => {
    expect(zonedMoment('2026-03-29', 2 * 60 + 30, BRUSSELS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedMoment('2026-10-25', 2 * 60 + 30, BRUSSELS).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedParts(new Date('2026-01-18T23:30:00Z'), BRUSSELS)).toEqual({
      date: '2026-01-19',
      weekday: 'mon',
      minuteOfDay: 30,
    });
  });
});
