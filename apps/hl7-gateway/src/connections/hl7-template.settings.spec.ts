import type { Hl7ConnectionInputV1 } from '@bridge/contracts';
import { queryTemplateOf, validateTemplate } from './hl7-template.settings';

describe('validateTemplate', () => {
  it('accepts the libs/hl7 template fields', () => {
    const template = {
      identifierTypeCodes: { patientCode: 'PI', visitNumber: 'AN' },
      processingId: 'T',
      timeZone: 'Europe/Brussels',
      maxCandidates: 5,
      qrfWhereSubjectFilter: 'AZSTJAN',
      queryName: 'Q22^Find Candidates^HL7',
    };
    expect({ ...validateTemplate(template) }).toMatchObject(template);
    expect(validateTemplate(undefined)).toBeUndefined();
  });

  it('refuses unknown fields and bad values with template.<field> errors', () => {
    let caught: unknown;
    try {
      validateTemplate({
        timeZone: 'Mars/Olympus',
        maxCandidates: 0,
        colour: 'blue',
        identifierTypeCodes: { patientCode: 3 },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'VALIDATION_FAILED' });
    const fields = (caught as { details: { errors: { field: string; message: string }[] } }).details.errors;
    expect(fields.map((error) => error.field).sort()).toEqual([
      'template.colour',
      'template.identifierTypeCodes.patientCode',
      'template.maxCandidates',
      'template.timeZone',
    ]);
    for (const error of fields) expect(error.message).toContain(error.field);
  });
});

describe('queryTemplateOf', () => {
  it('merges the top-level connection settings and the template', () => {
    const settings = {
      host: 'his.example',
      port: 2575,
      queryStyle: 'QRY_A19',
      version: '2.4',
      sendingApplication: 'CAREFLOW',
      receivingFacility: 'AZSTJAN',
      charset: 'latin1',
      patientIdAuthority: 'AZSTJAN',
      template: { maxCandidates: 3, identifierTypeCodes: { patientCode: 'PI' } },
    } as Hl7ConnectionInputV1;
    expect(queryTemplateOf(settings)).toMatchObject({
      queryStyle: 'QRY_A19',
      version: '2.4',
      sendingApplication: 'CAREFLOW',
      receivingFacility: 'AZSTJAN',
      charset: 'latin1',
      patientIdAuthority: 'AZSTJAN',
      maxCandidates: 3,
      identifierTypeCodes: { patientCode: 'PI' },
    });
  });
});
