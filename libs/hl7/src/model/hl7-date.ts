/**
 * HL7 date/time values read as calendar values exactly as written: no time-zone conversion ever
 * (rules 14 and 22). Reduced precision is kept, never padded with an invented day or month.
 */

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Leading digits of an HL7 DTM/TS (`YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]`), or of an ISO date. */
function leadingDigits(value: string): string {
  const iso = value.charAt(4) === '-' ? ISO_DATE.exec(value) : null;
  if (iso)
    return iso
      .slice(1)
      .filter((part) => part !== undefined)
      .join('');
  let end = 0;
  while (end < value.length && value.charCodeAt(end) >= 0x30 && value.charCodeAt(end) <= 0x39) end++;
  return value.slice(0, end);
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from the digits, or undefined when they are not a real date. */
function calendarDate(digits: string): string | undefined {
  if (digits.length < 4) return undefined;
  const year = digits.slice(0, 4);
  if (year === '0000') return undefined;
  if (digits.length < 6) return year;
  const month = Number(digits.slice(4, 6));
  // Some senders write 00 for an unknown month or day: that is reduced precision, not an error.
  if (month === 0) return year;
  if (month > 12) return undefined;
  const yearMonth = `${year}-${digits.slice(4, 6)}`;
  if (digits.length < 8) return yearMonth;
  const day = Number(digits.slice(6, 8));
  if (day === 0) return yearMonth;
  if (day > daysInMonth(Number(year), month)) return undefined;
  return `${yearMonth}-${digits.slice(6, 8)}`;
}

/** Rule 14: PID-7 -> `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; time, fraction and offset dropped. */
export function readHl7Date(value: string): string | undefined {
  return calendarDate(leadingDigits(value.trim()));
}

/**
 * Rule 22: an appointment start as hospital wall-clock `YYYY-MM-DDTHH:mm`; the UTC offset, if any,
 * is dropped, never applied. A value with only a date keeps date precision (`YYYY-MM-DD`) rather
 * than inventing midnight; `YYYYMMDDHH` means minute 00 (HL7 precision to the hour).
 */
export function readHl7DateTime(value: string): string | undefined {
  const digits = leadingDigits(value.trim());
  const date = calendarDate(digits);
  if (date === undefined || digits.length < 10 || date.length < 10) return date;
  const hour = Number(digits.slice(8, 10));
  const minute = digits.length >= 12 ? Number(digits.slice(10, 12)) : 0;
  if (hour > 23 || minute > 59) return undefined;
  return `${date}T${digits.slice(8, 10)}:${String(minute).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * An HL7 TS for MSH-7 and QRD-1: `YYYYMMDDHHmmss+ZZZZ`. With a time zone (IANA) the wall-clock time
 * of that zone and its offset; without, UTC and `+0000`. The offset is always written so the
 * receiver never has to guess.
 */
export function formatHl7Timestamp(at: Date, options: { timeZone?: string } = {}): string {
  const seconds = Math.floor(at.getTime() / 1000) * 1000;
  let wall = new Date(seconds);
  if (options.timeZone) {
    let formatter = formatters.get(options.timeZone);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: options.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
      formatters.set(options.timeZone, formatter);
    }
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(new Date(seconds))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    wall = new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second));
  }
  const offsetMinutes = Math.round((wall.getTime() - seconds) / 60000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return (
    `${pad(wall.getUTCFullYear(), 4)}${pad(wall.getUTCMonth() + 1)}${pad(wall.getUTCDate())}` +
    `${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`
  );
}
