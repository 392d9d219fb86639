import { hl7, msh, seg } from '../__fixtures__/hl7-fixtures';
import { Hl7ParseError } from './hl7.errors';
import { parseHl7 } from './hl7.parser';

function parseError(input: Buffer | string): Hl7ParseError {
  try {
    parseHl7(input);
  } catch (error) {
    if (error instanceof Hl7ParseError) return error;
    throw error;
  }
  throw new Error('expected an Hl7ParseError');
}

const BASIC = [
  msh({ type: 'ADR^A19', controlId: 'C1' }),
  seg('MSA', { 1: 'AA', 2: 'Q1' }),
  seg('PID', { 3: '123^^^AZ^MR', 5: 'Dubois^Françoise' }),
];

describe('parseHl7', () => {
  describe('rule 1: segment terminators and blank segments', () => {
    it.each([
      ['\\r', '\r'],
      ['\\n', '\n'],
      ['\\r\\n', '\r\n'],
    ])('reads segments terminated by %s', (_label, terminator) => {
      const message = parseHl7(hl7(BASIC, terminator));
      expect(message.segments.map((segment) => segment.name)).toEqual(['MSH', 'MSA', 'PID']);
      expect(message.get('PID-5.2')).toBe('Françoise');
      expect(message.controlId).toBe('C1');
    });

    it('reads a message mixing terminators', () => {
      const text = `${BASIC[0]}\r\n${BASIC[1]}\n${BASIC[2]}\r`;
      expect(parseHl7(text).segments.map((segment) => segment.name)).toEqual(['MSH', 'MSA', 'PID']);
    });

    it('ignores empty and whitespace-only segments, also at the end', () => {
      const text = `\r\n  \r${BASIC[0]}\r\r   \r${BASIC[1]}\r\t\r${BASIC[2]}\r\n \r\n\r\n`;
      const message = parseHl7(text);
      expect(message.segments.map((segment) => segment.name)).toEqual(['MSH', 'MSA', 'PID']);
      expect(message.toString()).toBe(BASIC.join('\r'));
    });
  });

  describe('rule 2: delimiters come from MSH-1 and MSH-2', () => {
    it('reads a message with non-standard delimiters, where | and ^ are plain text', () => {
      const text = [
        'MSH#$*!@#HIS#AZ#CF#BR#20240101##ADR$A19#C9#P#2.3',
        'PID#1##123$$$AZ$MR*456$$$BE$NN##Van den Broeck@Van den@Broeck$Jan#a|b^c',
      ].join('\r');
      const message = parseHl7(text);
      expect(message.delimiters).toMatchObject({
        field: '#',
        component: '$',
        repetition: '*',
        escape: '!',
        subcomponent: '@',
      });
      expect(message.type).toBe('ADR^A19');
      expect(
        message
          .first('PID')
          ?.field(3)
          .map((repetition) => repetition.component(5)),
      ).toEqual(['MR', 'NN']);
      expect(message.get('PID-5.1')).toBe('Van den Broeck');
      expect(message.get('PID-5.1.3')).toBe('Broeck');
      expect(message.get('PID-6')).toBe('a|b^c');
      expect(message.get('MSH-1')).toBe('#');
      expect(message.get('MSH-2')).toBe('$*!@');
    });

    it('decodes escapes with the declared escape character', () => {
      const text = ['MSH|^~/&|A|B|C|D|20240101||ADR^A19|C1|P|2.3', 'PID|1||a/S/b/F/c/E/d\\x'].join('\r');
      expect(parseHl7(text).get('PID-3')).toBe('a^b|c/d\\x');
    });

    it('skips an FHS/BHS envelope with its own delimiters and a trailing BTS/FTS', () => {
      const text = [
        'FHS#$*!@#AGENDA',
        'BHS#$*!@#AGENDA',
        'MSH#$*!@#A#B#C#D#20240101##SIU$S12#C1#P#2.5',
        'PID#1##9$$$AZ$MR',
        'BTS#1',
        'FTS#1',
      ].join('\n');
      const message = parseHl7(text);
      expect(message.segments.map((segment) => segment.name)).toEqual(['MSH', 'PID']);
      expect(message.get('PID-3.4')).toBe('AZ');
    });

    it.each([
      ['an alphanumeric field separator', 'MSHA^~\\&A'],
      ['a repeated encoding character', 'MSH|^^\\&|A|B|C|D|20240101||ACK|1|P|2.3'],
      ['no encoding characters', 'MSH||A|B|C|D|20240101||ACK|1|P|2.3'],
      ['a space as field separator', 'MSH ^~\\& A B'],
    ])('rejects %s with HL7_BAD_DELIMITERS', (_label, line) => {
      expect(parseError(line).code).toBe('HL7_BAD_DELIMITERS');
    });
  });

  describe('rule 3: character set', () => {
    const pid = seg('PID', { 3: '1^^^AZ^MR', 5: 'Dubois-Lemaître^Françoise' });
    const message = (charset?: string): string =>
      hl7([msh({ type: 'ADR^A19', controlId: 'C1', charset }), pid]);

    it('decodes latin1 bytes when MSH-18 says 8859/1, even on a utf-8 connection', () => {
      const bytes = Buffer.from(message('8859/1'), 'latin1');
      expect(parseHl7(bytes, { charset: 'utf-8' }).get('PID-5.2')).toBe('Françoise');
      expect(parseHl7(bytes, { charset: 'utf-8' }).charset).toBe('latin1');
    });

    it.each(['UNICODE UTF-8', 'UTF-8'])(
      'decodes utf-8 bytes when MSH-18 says %s, even on a latin1 connection',
      (msh18) => {
        const bytes = Buffer.from(message(msh18), 'utf8');
        expect(parseHl7(bytes, { charset: 'latin1' }).get('PID-5.1')).toBe('Dubois-Lemaître');
      },
    );

    it("uses the connection's charset without MSH-18, utf-8 by default", () => {
      expect(parseHl7(Buffer.from(message(), 'latin1'), { charset: 'latin1' }).get('PID-5.2')).toBe(
        'Françoise',
      );
      expect(parseHl7(Buffer.from(message(), 'utf8')).get('PID-5.2')).toBe('Françoise');
    });

    it("uses the connection's charset for ASCII and for an MSH-18 it does not recognise", () => {
      expect(parseHl7(Buffer.from(message('ASCII'), 'latin1'), { charset: 'latin1' }).get('PID-5.2')).toBe(
        'Françoise',
      );
      expect(
        parseHl7(Buffer.from(message('UNICODE UTF-16'), 'latin1'), { charset: 'latin1' }).get('PID-5.2'),
      ).toBe('Françoise');
    });

    it('reads MSH-18 behind an FHS/BHS envelope and a UTF-8 byte-order mark', () => {
      const text = `FHS|^~\\&|AGENDA\rBHS|^~\\&|AGENDA\r${message('8859/1')}`;
      expect(parseHl7(Buffer.from(text, 'latin1')).get('PID-5.2')).toBe('Françoise');
      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(message(), 'utf8')]);
      expect(parseHl7(withBom, { charset: 'latin1' }).get('PID-5.2')).toBe('Françoise');
    });
  });

  describe('rule 4: escape sequences are decoded after splitting', () => {
    const parse = (value: string, charset?: string): string =>
      parseHl7(hl7([msh({ type: 'ADR^A19', controlId: 'C1', charset }), `NTE|1||${value}`])).get('NTE-3');

    it('decodes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ without splitting on the decoded characters', () => {
      const message = parseHl7(
        hl7([msh({ type: 'ADR^A19', controlId: 'C1' }), 'PID|1||A\\S\\B\\T\\C\\R\\D\\F\\E\\E\\F^second']),
      );
      const repetitions = message.first('PID')?.field(3) ?? [];
      expect(repetitions).toHaveLength(1);
      expect(repetitions[0].component(1)).toBe('A^B&C~D|E\\F');
      expect(repetitions[0].component(2)).toBe('second');
      expect(repetitions[0].component(1, 2)).toBe('');
    });

    it('decodes \\X..\\ as bytes in the utf-8 charset, also split over two sequences', () => {
      expect(parse('Fran\\XC3A7\\oise', 'UNICODE UTF-8')).toBe('Françoise');
      expect(parse('Fran\\XC3\\\\XA7\\oise', 'UNICODE UTF-8')).toBe('Françoise');
    });

    it('decodes \\X..\\ as bytes in the latin1 charset', () => {
      expect(parse('Fran\\XE7\\oise', '8859/1')).toBe('Françoise');
      const bytes = Buffer.from(
        hl7([msh({ type: 'ADR^A19', controlId: 'C1' }), 'NTE|1||Lema\\XEE\\tre']),
        'latin1',
      );
      expect(parseHl7(bytes, { charset: 'latin1' }).get('NTE-3')).toBe('Lemaître');
    });

    it('drops formatting escapes, keeps line breaks and keeps unknown sequences as text', () => {
      expect(parse('\\H\\Important\\N\\ note')).toBe('Important note');
      expect(parse('Rue 1\\.br\\Bus 3')).toBe('Rue 1\nBus 3');
      expect(parse('Line\\.sp\\next\\.in+4\\')).toBe('Line\nnext');
      expect(parse('C:\\temp\\file')).toBe('C:\\temp\\file');
      expect(parse('unterminated \\F')).toBe('unterminated \\F');
      expect(parse('\\Xzz\\')).toBe('\\Xzz\\');
    });

    it('maps \\P\\ to the truncation character', () => {
      expect(parse('cut\\P\\')).toBe('cut#');
    });
  });

  describe('rule 5: trimming and empty repetitions', () => {
    it('trims values of surrounding spaces', () => {
      const message = parseHl7(
        hl7([msh({ type: 'ADR^A19', controlId: '  C1 ' }), 'PID|1||  123 ^^^ AZ ^MR|| Dubois ^ Jan ']),
      );
      expect(message.controlId).toBe('C1');
      expect(message.get('PID-3')).toBe('123');
      expect(message.get('PID-3.4')).toBe('AZ');
      expect(message.get('PID-5.2')).toBe('Jan');
    });

    it('skips repetitions made only of separators or spaces, and HL7 nulls', () => {
      const message = parseHl7(
        hl7([msh({ type: 'ADR^A19', controlId: 'C1' }), 'PID|1||^^^~  ~^&^ ~""~123^^^AZ^MR~~456']),
      );
      const repetitions = message.first('PID')?.field(3) ?? [];
      expect(repetitions.map((repetition) => repetition.component(1))).toEqual(['123', '456']);
      expect(message.get('PID-3')).toBe('123');
    });

    it('reads an HL7 null as empty', () => {
      const message = parseHl7(
        hl7([msh({ type: 'ADR^A19', controlId: 'C1' }), 'PID|1||1^^^AZ^MR||""^Jan|||""']),
      );
      expect(message.get('PID-5.1')).toBe('');
      expect(message.get('PID-5.2')).toBe('Jan');
      expect(message.first('PID')?.field(8)).toHaveLength(0);
    });
  });

  describe('rule 6: unknown segments', () => {
    it('keeps Z-segments and unknown segments without error', () => {
      const message = parseHl7(hl7([...BASIC, 'ZPI|1|x^y', 'XYZ', 'not a segment at all', 'ZPI|2']));
      expect(message.all('ZPI').map((segment) => segment.get(1))).toEqual(['1', '2']);
      expect(message.get('PID-5.1')).toBe('Dubois');
    });
  });

  describe('accessors', () => {
    const message = parseHl7(
      hl7([
        seg('MSH', {
          3: 'AGENDA^1.2.3^ISO',
          4: 'AZSTJAN',
          5: 'CF',
          6: 'BR',
          7: '20240101',
          9: 'SIU^S12^SIU_S12',
          10: 'M1',
          11: 'P',
          12: '2.5.1',
        }),
        seg('SCH', { 1: 'P1', 2: 'F1' }),
        seg('AIS', { 1: '1', 3: 'KNEE^Knee' }),
        seg('AIS', { 1: '2', 3: 'HIP^Hip' }),
        seg('PID', { 3: '1^^^AZ&1.2&ISO^MR~2^^^BE^NN' }),
      ]),
    );

    it('numbers MSH fields the HL7 way', () => {
      expect(message.get('MSH-1')).toBe('|');
      expect(message.get('MSH-2')).toBe('^~\\&');
      expect(message.get('MSH-3')).toBe('AGENDA');
      expect(message.get('MSH-3.2')).toBe('1.2.3');
      expect(message.get('MSH-9.3')).toBe('SIU_S12');
      expect(message.header.fieldCount).toBe(12);
    });

    it('exposes the header values', () => {
      expect(message).toMatchObject({
        controlId: 'M1',
        type: 'SIU^S12',
        messageCode: 'SIU',
        event: 'S12',
        sendingApplication: 'AGENDA',
        sendingFacility: 'AZSTJAN',
        receivingApplication: 'CF',
        receivingFacility: 'BR',
        version: '2.5.1',
        charset: 'utf-8',
      });
    });

    it('reads paths from the first segment occurrence and first repetition', () => {
      expect(message.get('AIS-3.1')).toBe('KNEE');
      expect(message.get('AIS-3')).toBe('KNEE');
      expect(message.get('PID-3.4.2')).toBe('1.2');
      expect(message.get('PID-3.5')).toBe('MR');
      expect(message.get('PID-99')).toBe('');
      expect(message.get('ZZZ-1')).toBe('');
      expect(message.all('AIS')).toHaveLength(2);
      expect(message.first('AIS')?.get(3, 2)).toBe('Knee');
      expect(message.first('PID')?.field(3)[1].component(1)).toBe('2');
      expect(message.first('PID')?.encodedField(3)).toBe('1^^^AZ&1.2&ISO^MR~2^^^BE^NN');
    });

    it('rejects a malformed path with HL7_BAD_PATH', () => {
      expect(() => message.get('PID3')).toThrow(expect.objectContaining({ code: 'HL7_BAD_PATH' }));
      expect(() => message.get('PID-0')).toThrow(Hl7ParseError);
    });

    it('reports the type without an event as the message code alone', () => {
      expect(parseHl7(hl7([msh({ type: 'ACK', controlId: 'A1' })])).type).toBe('ACK');
    });
  });

  describe('unusable input', () => {
    it.each([
      ['HL7_EMPTY', ''],
      ['HL7_EMPTY', ' \r\n \r'],
      ['HL7_NO_MSH', 'PID|1||123'],
      ['HL7_NO_MSH', 'garbage bytes \x00\x01'],
      ['HL7_TRUNCATED', 'MSH|^~\\&|HIS|AZ'],
      ['HL7_TRUNCATED', 'MSH'],
      ['HL7_NO_MESSAGE_TYPE', 'MSH|^~\\&|HIS|AZ|CF|BR|20240101|||C7|P|2.3'],
      [
        'HL7_MULTIPLE_MESSAGES',
        hl7([msh({ type: 'ACK', controlId: 'A1' }), msh({ type: 'ACK', controlId: 'A2' })]),
      ],
    ])('throws %s', (code, input) => {
      expect(parseError(input).code).toBe(code);
      expect(parseError(Buffer.from(input, 'latin1')).code).toBe(code);
    });

    it('keeps the control id of a message it cannot use', () => {
      expect(parseError('MSH|^~\\&|HIS|AZ|CF|BR|20240101|||C7|P|2.3').controlId).toBe('C7');
    });
  });
});
