import { DEFAULT_HL7_DELIMITERS } from './hl7-delimiters';
import { formatHl7Timestamp, readHl7Date, readHl7DateTime } from './hl7-date';
import { escapeHl7, unescapeHl7 } from './hl7-escape';
import { isHl7Path, parseHl7Path } from './hl7-path';
import { compareHl7Versions, encodeSegment } from './hl7.writer';
import { parseHl7 } from './hl7.parser';

describe('escapeHl7 / unescapeHl7', () => {
  const encoding = { delimiters: DEFAULT_HL7_DELIMITERS, charset: 'utf-8' as const };

  it('round-trips every delimiter and line breaks', () => {
    const value = 'a|b^c~d&e\\f\rg\nh';
    const escaped = escapeHl7(value);
    expect(escaped).toBe('a\\F\\b\\S\\c\\R\\d\\T\\e\\E\\f\\X0D\\g\\X0A\\h');
    expect(unescapeHl7(escaped, encoding)).toBe(value);
  });

  it('encodes MLLP framing bytes and every other control character, so a value cannot end the frame', () => {
    const value = 'A\x1c\r\x0bMSH|^~\\&|EVIL\x00\x7f';
    const escaped = escapeHl7(value);
    expect(escaped).toBe('A\\X1C\\\\X0D\\\\X0B\\MSH\\F\\\\S\\\\R\\\\E\\\\T\\\\F\\EVIL\\X00\\\\X7F\\');
    expect(escaped).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(unescapeHl7(escaped, encoding)).toBe(value);
  });

  it('returns plain values untouched', () => {
    expect(escapeHl7('Françoise')).toBe('Françoise');
    expect(unescapeHl7('Françoise', encoding)).toBe('Françoise');
  });
});

describe('readHl7DateTime (rule 22 format)', () => {
  it.each([
    ['202404150930', '2024-04-15T09:30'],
    ['20240415093045.123+0200', '2024-04-15T09:30'],
    ['2024041509', '2024-04-15T09:00'],
    ['20240415', '2024-04-15'],
    ['2024-04-15T09:30:00+02:00', '2024-04-15T09:30'],
    ['202404152530', undefined],
    ['202404150960', undefined],
    ['', undefined],
  ])('reads %s as %s', (value, expected) => {
    expect(readHl7DateTime(value)).toBe(expected);
  });

  it('reads ISO dates in PID-7 too', () => {
    expect(readHl7Date('1985-07-14')).toBe('1985-07-14');
  });
});

describe('formatHl7Timestamp', () => {
  const at = new Date('2024-07-01T22:30:15.900Z');

  it('writes UTC with +0000 by default', () => {
    expect(formatHl7Timestamp(at)).toBe('20240701223015+0000');
  });

  it('writes the wall-clock time of a zone with its offset', () => {
    expect(formatHl7Timestamp(at, { timeZone: 'Europe/Brussels' })).toBe('20240702003015+0200');
    expect(formatHl7Timestamp(new Date('2024-01-15T12:00:00Z'), { timeZone: 'America/New_York' })).toBe(
      '20240115070000-0500',
    );
  });
});

describe('hl7 paths', () => {
  it('parses SEG-field[.component[.subcomponent]]', () => {
    expect(parseHl7Path('AIS-3.1')).toEqual({ segment: 'AIS', field: 3, component: 1, subcomponent: 1 });
    expect(parseHl7Path('pid-3.4.2')).toEqual({ segment: 'PID', field: 3, component: 4, subcomponent: 2 });
    expect(parseHl7Path('PV1-19')).toEqual({ segment: 'PV1', field: 19, component: 1, subcomponent: 1 });
  });

  it.each(['PID', 'PID-', 'PID-3.', 'PID.3.1', 'PID-0', 'PI-3', 'PID-3.1.1.1', ''])('rejects %j', (path) => {
    expect(isHl7Path(path)).toBe(false);
    expect(() => parseHl7Path(path)).toThrow(expect.objectContaining({ code: 'HL7_BAD_PATH' }));
  });
});

describe('encodeSegment', () => {
  it('writes fields by number, escapes values and drops trailing empties', () => {
    expect(
      encodeSegment('PID', {
        3: { repetitions: [['1', '', '', 'AZ', 'MR'], '2|x'] },
        5: [['Van den Broeck', 'Van den'], 'Jan', ''],
        9: '',
      }),
    ).toBe('PID|||1^^^AZ^MR~2\\F\\x||Van den Broeck&Van den^Jan');
    expect(encodeSegment('MSH', { 9: ['ACK'], 10: 'X' })).toBe('MSH|^~\\&|||||||ACK|X');
    expect(parseHl7(encodeSegment('MSH', { 9: ['ACK'], 10: 'X' })).controlId).toBe('X');
  });

  it('compares versions numerically', () => {
    expect(compareHl7Versions('2.10', '2.5')).toBeGreaterThan(0);
    expect(compareHl7Versions('2.3.1', '2.4')).toBeLessThan(0);
    expect(compareHl7Versions('2.5', '2.5.0')).toBe(0);
  });
});
