import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import { fillExampleQuery } from '@bridge/hl7';
import { deriveConnectionTemplate, derivedTemplateView } from './example-query.settings';

const EXAMPLE =
  'MSH|^~\\&|CF|BRIDGE|MPI|AZ|20240101120000+0100||QBP^Q22^QBP_Q21|M1|P|2.5\r' +
  'QPD|IHE PDQ Query|T1|@PID.3.1^123~@PID.3.4.1^AZ~@PID.3.5^MR\r' +
  'RCP|I|10^RD\r';

function body(extra: Partial<Hl7ConnectionInputV1>): Hl7ConnectionInputV1 {
  return { host: 'his', port: 2575, queryStyle: 'QBP_Q22', ...extra } as Hl7ConnectionInputV1;
}

function refusal(input: Hl7ConnectionInputV1): { code: string; message: string; details: unknown } {
  try {
    deriveConnectionTemplate(input);
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error('not refused');
}

describe('deriveConnectionTemplate', () => {
  it('is undefined without an exampleQuery', () => {
    expect(deriveConnectionTemplate(body({}))).toBeUndefined();
  });

  it('derives the template and notes the body settings the example overrides', () => {
    const derived = deriveConnectionTemplate(
      body({
        exampleQuery: EXAMPLE,
        sendingApplication: 'CF',
        receivingFacility: 'ELSEWHERE',
        version: '2.3',
      }),
    )!;
    expect(derived.queryStyle).toBe('QBP_Q22');
    const notes = derived.notes.join('\n');
    expect(notes).toContain(
      'receivingFacility "ELSEWHERE" is not used: MSH-6 is sent as in the example ("AZ")',
    );
    expect(notes).toContain('version "2.3" is not used: MSH-12');
    expect(notes).not.toContain('sendingApplication');
    expect(notes).toContain('set it to "AZ"');
    const query = fillExampleQuery(derived, {
      by: 'patientCode',
      value: '9',
      controlId: 'C1',
      at: new Date(),
    });
    expect(query).toContain('QPD|IHE PDQ Query|C1|@PID.3.1^9~@PID.3.4.1^AZ~@PID.3.5^MR\r');
  });

  it('refuses a bad example as EXAMPLE_QUERY_INVALID on exampleQuery', () => {
    const error = refusal(body({ exampleQuery: EXAMPLE.replace('@PID.3.4.1^AZ', '@PV1.19^V1') }));
    expect(error.code).toBe('EXAMPLE_QUERY_INVALID');
    expect(error.message).toContain('exampleQuery: QPD-3 gives 2 identifiers');
    expect(error.details).toMatchObject({
      problem: 'AMBIGUOUS_ID_FIELD',
      errors: [{ field: 'exampleQuery', message: expect.stringContaining('@PID.3.1 and @PV1.19') }],
    });
  });

  it('refuses an example that contradicts queryStyle, naming queryStyle', () => {
    const error = refusal(body({ exampleQuery: EXAMPLE, queryStyle: 'QRY_A19' }));
    expect(error.details).toMatchObject({ errors: [{ field: 'queryStyle' }], problem: 'STYLE_MISMATCH' });
  });
});

describe('derivedTemplateView', () => {
  it('shows both layouts with the replaced places named', () => {
    const view = derivedTemplateView(deriveConnectionTemplate(body({ exampleQuery: EXAMPLE }))!);
    expect(view.layout.patientCode[1]).toBe(
      'QPD|IHE PDQ Query|{queryId}|@PID.3.1^{value}~@PID.3.4.1^AZ~@PID.3.5^MR',
    );
    expect(view.layout.visitNumber[1]).toBe(
      'QPD|IHE PDQ Query|{queryId}|@PV1.19^{value}~@PID.3.4.1^AZ~@PID.3.5^MR',
    );
    expect(view.layout.patientCode[0]).toContain('|{timestamp}||QBP^Q22^QBP_Q21|{controlId}|');
  });
});
