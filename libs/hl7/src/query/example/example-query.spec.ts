import { parseHl7 } from '../../model/hl7.parser';
import type { Hl7Message } from '../../model/hl7-message';
import { deriveExampleQuery } from './example-query.deriver';
import { fillExampleQuery } from './example-query.filler';
import { ExampleQueryError, type ExampleQueryProblem } from './example-query.types';
import { layoutDifferences, rawLeaf } from './strict-hospital.spec-helpers';

const at = new Date('2024-03-15T09:30:00.250Z');

interface ExampleCase {
  name: string;
  text: string;
  by: 'patientCode' | 'visitNumber';
  /** Leaf of the identifier. */
  idPath: string;
  /** Leaves that change too when asking by the other lookup. */
  otherPaths: string[];
  /** MSH-7 of a built query. */
  timestamp: RegExp;
  /** QRD-1 when it differs from MSH-7's format. */
  queryTimestamp?: RegExp;
  authority?: string;
  charset?: 'utf-8' | 'latin1';
}

const QRD_REPLACED = ['MSH-7', 'MSH-10', 'QRD-1', 'QRD-4'];
const QPD_REPLACED = ['MSH-7', 'MSH-10', 'QPD-2'];

const EXAMPLES: ExampleCase[] = [
  {
    name: 'v2.3 QRY^A19, QRD-8 with XCN.9 authority and XCN.13 MR, CR',
    text:
      'MSH|^~\\&|CAREFLOW|BRIDGE|HIS|AZSTJAN|20240101120000+0100||QRY^A19|MSG00001|P|2.3\r' +
      'QRD|20240101120000+0100|R|I|Q00001|||10^RD|000123456^^^^^^^^AZSTJAN^^^^MR|DEM\r',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}[+-]\d{4}$/,
    authority: 'AZSTJAN',
  },
  {
    name: 'v2.4 QRY^A19 with QRF, MSH-18 8859/1, LF line breaks',
    text:
      'MSH|^~\\&|CF|BRIDGE|EPD|ZNA|20240101120000||QRY^A19^QRY_A19|1|P|2.4|||AL|NE||8859/1\n' +
      'QRD|20240101120000|R|I|Q1|||1^RD|987^^^^^^^^ZNA^^^^PI|DEM|||\n' +
      'QRF|ZNA||||ALL\n',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}$/,
    authority: 'ZNA',
    charset: 'latin1',
  },
  {
    name: 'v2.2 QRY^A19, no authority nor type code, 12-digit time, CRLF',
    text:
      'MSH|^~\\&|BRIDGE||PAS||202401011200||QRY^A19|77|P|2.2\r\n' +
      'QRD|202401011200|R|I|77|||5^RD|12345|DEM\r\n',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{12}$/,
  },
  {
    name: "v2.3.1 QRY^A19 with '#' field separator and an HD authority with subcomponents",
    text:
      'MSH#^~\\&#CAREFLOW#BRIDGE#HIS#AZ#20240101120000+0100##QRY^A19#C1#T#2.3.1\r' +
      'QRD#20240101120000+0100#R#I#QX1###10^RD#0042^^^^^^^^AZ&1.2.3.4&ISO^^^^MR#DEM\r',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}[+-]\d{4}$/,
    authority: 'AZ',
  },
  {
    name: 'v2.5 QBP^Q22 IHE PDQ with @PID.3.1, @PID.3.4.1, @PID.3.5, MSH-18 UTF-8',
    text:
      'MSH|^~\\&|CF|BRIDGE|MPI|AZSTJAN|20240101120000+0100||QBP^Q22^QBP_Q21|M1|P|2.5|||||BEL|UNICODE UTF-8\r' +
      'QPD|IHE PDQ Query|T1|@PID.3.1^000123456~@PID.3.4.1^AZSTJAN~@PID.3.5^MR\r' +
      'RCP|I|10^RD\r',
    by: 'patientCode',
    idPath: 'QPD-3(1).2',
    otherPaths: ['QPD-3(1).1'],
    timestamp: /^\d{14}[+-]\d{4}$/,
    authority: 'AZSTJAN',
    charset: 'utf-8',
  },
  {
    name: 'v2.6 QBP^Q22 with QPD-3 a plain CX (CX.4 authority), a Z-segment after QPD',
    text:
      'MSH|^~\\&|CF|BRIDGE|HIS|UZ|20240101120000||QBP^Q22^QBP_Q21|99|P|2.6\r' +
      'QPD|Q22^Find Candidates^HL7|Q99|555^^^UZ^MR\r' +
      'ZQP|ROUTE^CAREFLOW\r' +
      'RCP|I|5^RD\r',
    by: 'patientCode',
    idPath: 'QPD-3.1',
    otherPaths: ['QPD-3.5'],
    timestamp: /^\d{14}$/,
    authority: 'UZ',
  },
  {
    name: "v2.8 QBP^Q22 by visit number (@PV1.19) with '*' components and '%' subcomponents",
    text:
      'MSH|*~\\%|CF|BRIDGE|ADT|AZ|20240101120000.123+0100||QBP*Q22*QBP_Q21|V1|P|2.8\r' +
      'QPD|IHE PDQV Query|QV1|@PV1.19*V2024-0001\r' +
      'RCP|I|1*RD\r',
    by: 'visitNumber',
    idPath: 'QPD-3(1).2',
    otherPaths: ['QPD-3(1).1'],
    timestamp: /^\d{14}\.\d{3}[+-]\d{4}$/,
  },
  {
    name: 'v2.4 QRY^A19 by visit number (XCN.13 VN), a Z-segment between QRD and QRF, 4-digit fraction',
    text:
      'MSH|^~\\&|CF|BRIDGE|HIS|AZ|20240101120000.1234+0100||QRY^A19|X|P|2.4\n' +
      'QRD|20240101120000.1234+0100|R|I|QX|||10^RD|V-77^^^^^^^^AZ^^^^VN|DEM\n' +
      'ZPI|1|ROUTING\n' +
      'QRF|AZ\n',
    by: 'visitNumber',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}\.\d{4}[+-]\d{4}$/,
    authority: 'AZ',
  },
  {
    name: 'v2.5.1 QRY^A19, authority in XCN.9.2 (universal id), components in MSH-3, MSH-18 ASCII kept',
    text:
      'MSH|^~\\&|CF^1.2.3^ISO|BRIDGE|HIS|AZ|20240101120000+0000||QRY^A19|A1|P|2.5.1|||AL|NE|BEL|ASCII\r' +
      'QRD|20240101120000+0000|R|I|A1|||10^RD|4711^^^^^^^^&2.16.840.1&ISO^^^^MR~|DEM|||T\r',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}[+-]\d{4}$/,
    authority: '2.16.840.1',
  },
  {
    name: "v2.7 QBP^Q22 with '!' field separator, the ID parameter second, type PI",
    text:
      'MSH!^~\\&!CF!BRIDGE!MPI!AZ!20240101120000+0100!!QBP^Q22^QBP_Q21!Z9!P!2.7\r' +
      'QPD!IHE PDQ Query!QZ9!@PID.3.4.1^AZ~@PID.3.1^A-1~@PID.3.5^PI\r' +
      'RCP!I!10^RD\r',
    by: 'patientCode',
    idPath: 'QPD-3(2).2',
    otherPaths: ['QPD-3(2).1'],
    timestamp: /^\d{14}[+-]\d{4}$/,
    authority: 'AZ',
  },
  {
    name: 'v2.3 QRY^A19 with a Z-segment before QRD and an 8-digit date',
    text:
      'MSH|^~\\&|CF|BRIDGE|HIS|AZ|20240101||QRY^A19|D1|P|2.3\r' +
      'ZCF|BRIDGE\r' +
      'QRD|20240101|R|I|D1|||10^RD|321^^^^^^^^^^^^PT|DEM\r' +
      'QRF|AZ||||\r',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{8}$/,
  },
  {
    name: 'v2.3 QRY^A19 whose MSH-7 and QRD-1 carry a TS degree-of-precision component',
    text:
      'MSH|^~\\&|CF|BRIDGE|HIS|AZ|20240101120000^S||QRY^A19|P1|P|2.3\r' +
      'QRD|202401011200^M|R|I|P1|||10^RD|888^^^^^^^^AZ|DEM\r',
    by: 'patientCode',
    idPath: 'QRD-8.1',
    otherPaths: ['QRD-8.13'],
    timestamp: /^\d{14}$/,
    queryTimestamp: /^\d{12}$/,
    authority: 'AZ',
  },
];

/** Value of `SEG-f(r).c` in a parsed message (repetitions counted as written). */
function valueAt(message: Hl7Message, path: string): string {
  const match = /^([A-Z0-9]{3})-(\d+)(?:\((\d+)\))?(?:\.(\d+))?$/.exec(path)!;
  const segment = message.first(match[1])!;
  return segment.field(Number(match[2]))[Number(match[3] ?? 1) - 1]?.component(Number(match[4] ?? 1)) ?? '';
}

describe('deriveExampleQuery + fillExampleQuery against a strict hospital', () => {
  it.each(EXAMPLES)('$name', (example) => {
    const template = deriveExampleQuery(example.text);
    const base = example.text.includes('QRD') ? QRD_REPLACED : QPD_REPLACED;
    expect(template.exampleBy).toBe(example.by);
    expect(template.authority).toBe(example.authority);
    expect(template.charset).toBe(example.charset);
    expect(template.notes.length).toBeGreaterThanOrEqual(4);

    for (const by of ['patientCode', 'visitNumber'] as const) {
      const value = by === 'patientCode' ? 'P-0001' : 'V-2024-9';
      const controlId = `C${by.length}X`;
      const query = fillExampleQuery(template, { by, value, controlId, at });
      const replaced = [...base, example.idPath, ...(by === example.by ? [] : example.otherPaths)];
      // The strict hospital answers only when the layout is the example's but for the replaced leaves.
      expect(layoutDifferences(example.text, query, replaced)).toEqual([]);
      // And without the other lookup's allowance, asking by the other key must differ exactly there.
      if (by !== example.by) {
        expect(layoutDifferences(example.text, query, [...base, example.idPath])).not.toEqual([]);
      }
      const message = parseHl7(query);
      expect(message.controlId).toBe(controlId);
      expect(valueAt(message, example.idPath)).toBe(value);
      expect(message.get(base.includes('QRD-4') ? 'QRD-4' : 'QPD-2')).toBe(controlId);
      expect(rawLeaf(query, 'MSH-7')).toMatch(example.timestamp);
      if (base.includes('QRD-1')) {
        expect(rawLeaf(query, 'QRD-1')).toMatch(example.queryTimestamp ?? example.timestamp);
        expect(rawLeaf(query, 'QRD-1').slice(0, 8)).toBe(rawLeaf(query, 'MSH-7').slice(0, 8));
      }
      expect(query.endsWith('\r')).toBe(true);
      expect(query).not.toMatch(/\n/);
    }
  });

  it('detects a query whose layout is not the example (the strict hospital is not a rubber stamp)', () => {
    const example = EXAMPLES[0].text;
    const moved = example.replace('^^^^^^^^AZSTJAN^^^^MR', '^^^^^^^AZSTJAN^^^^MR');
    expect(layoutDifferences(example, moved, [...QRD_REPLACED, 'QRD-8.1'])).toHaveLength(1);
    expect(layoutDifferences(example, example.replace('|P|2.3', '|P|2.4'), QRD_REPLACED)).toHaveLength(1);
  });

  it('escapes the value with the example separators', () => {
    const example = EXAMPLES[3]; // '#' field separator
    const template = deriveExampleQuery(example.text);
    const value = 'A#B^C&D\\E';
    const query = fillExampleQuery(template, { by: 'patientCode', value, controlId: 'Q#1', at });
    expect(layoutDifferences(example.text, query, [...QRD_REPLACED, 'QRD-8.1'])).toEqual([]);
    const message = parseHl7(query);
    expect(message.get('QRD-8.1')).toBe(value);
    expect(message.controlId).toBe('Q#1');
  });

  it('writes the time in the given zone when the example has no offset', () => {
    const template = deriveExampleQuery(EXAMPLES[1].text);
    const query = fillExampleQuery(
      template,
      { by: 'patientCode', value: '1', controlId: 'C', at },
      { timeZone: 'Europe/Brussels' },
    );
    expect(rawLeaf(query, 'MSH-7')).toBe('20240315103000');
  });

  it('says in its notes what was derived and how the other lookup is placed', () => {
    const notes = deriveExampleQuery(EXAMPLES[5].text).notes.join('\n');
    expect(notes).toContain('QBP^Q22');
    expect(notes).toContain('QPD-3.1');
    expect(notes).toContain(
      'a visit number is sent in the same place (QPD-3.1) with identifier type VN in CX.5',
    );
    expect(notes).toContain('ZQP');
    expect(notes).toContain('"UZ"');
  });

  it('refuses an empty value', () => {
    const template = deriveExampleQuery(EXAMPLES[0].text);
    expect(() => fillExampleQuery(template, { by: 'patientCode', value: ' ', controlId: 'C', at })).toThrow(
      expect.objectContaining({ code: 'HL7_EMPTY_VALUE' }),
    );
  });
});

describe('deriveExampleQuery refusals', () => {
  const refusals: [string, string, ExampleQueryProblem, string][] = [
    [
      'not a query',
      'MSH|^~\\&|HIS|AZ|CF|BRIDGE|20240101||ADT^A08|1|P|2.3\rPID|1||123^^^AZ^MR||DOE^JOHN\r',
      'NOT_A_QUERY',
      'MSH-9 is ADT^A08',
    ],
    ['not HL7', 'hello, here is our query', 'UNREADABLE', 'cannot be read as HL7'],
    ['a QRY^A19 without QRD', 'MSH|^~\\&|CF||HIS||20240101||QRY^A19|1|P|2.3\r', 'NOT_A_QUERY', 'no QRD'],
    [
      'an unsupported version',
      'MSH|^~\\&|CF||HIS||20240101||QRY^A19|1|P|2.1\rQRD|20240101|R|I|1|||1^RD|123|DEM\r',
      'UNSUPPORTED_VERSION',
      '2.1',
    ],
    [
      'no patient ID in QRD-8',
      'MSH|^~\\&|CF||HIS||20240101||QRY^A19|1|P|2.3\rQRD|20240101|R|I|1|||1^RD||DEM\r',
      'NO_PATIENT_ID_FIELD',
      'QRD-8',
    ],
    [
      'two identifiers in QRD-8',
      'MSH|^~\\&|CF||HIS||20240101||QRY^A19|1|P|2.3\rQRD|20240101|R|I|1|||1^RD|123^^^^^^^^AZ^^^^MR~V9^^^^^^^^^^^^VN|DEM\r',
      'AMBIGUOUS_ID_FIELD',
      'repetitions 1 and 2',
    ],
    [
      'a QPD with both @PID.3.1 and @PV1.19',
      'MSH|^~\\&|CF||MPI||20240101||QBP^Q22|1|P|2.5\rQPD|IHE PDQ Query|1|@PID.3.1^123~@PV1.19^V9\rRCP|I\r',
      'AMBIGUOUS_ID_FIELD',
      '@PID.3.1 and @PV1.19',
    ],
    [
      'a QPD without an identifier parameter',
      'MSH|^~\\&|CF||MPI||20240101||QBP^Q22|1|P|2.5\rQPD|IHE PDQ Query|1|@PID.3.4.1^AZ\rRCP|I\r',
      'NO_PATIENT_ID_FIELD',
      '@PID.3.1',
    ],
    [
      "a QPD asking for the example patient's name",
      'MSH|^~\\&|CF||MPI||20240101||QBP^Q22|1|P|2.5\rQPD|IHE PDQ Query|1|@PID.3.1^123~@PID.5.1^DOE\rRCP|I\r',
      'CARRIES_PATIENT_DATA',
      '@PID.5.1',
    ],
    [
      'an empty QPD-3',
      'MSH|^~\\&|CF||MPI||20240101||QBP^Q22|1|P|2.5\rQPD|IHE PDQ Query|1\rRCP|I\r',
      'NO_PATIENT_ID_FIELD',
      'QPD-3 is empty',
    ],
  ];

  it.each(refusals)('refuses %s', (_name, text, problem, says) => {
    let caught: unknown;
    try {
      deriveExampleQuery(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExampleQueryError);
    expect(caught).toMatchObject({ problem });
    expect((caught as Error).message).toContain(says);
  });
});
