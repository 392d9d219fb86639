import { msh18ForCharset } from '../model/hl7-charset';
import { formatHl7Timestamp } from '../model/hl7-date';
import { Hl7BuildError } from '../model/hl7.errors';
import { encodeMessage, encodeSegment, type Hl7RepetitionValue } from '../model/hl7.writer';
import type { Hl7QueryRequest, Hl7QueryTemplate } from './query.types';

const DEFAULT_TYPE_CODES = { patientCode: 'MR', visitNumber: 'VN' } as const;
const DEFAULT_MAX_CANDIDATES = 10;

function header(
  template: Hl7QueryTemplate,
  request: Hl7QueryRequest,
  messageType: string[],
  version: string,
): string {
  return encodeSegment('MSH', {
    3: template.sendingApplication ?? '',
    4: template.sendingFacility ?? '',
    5: template.receivingApplication ?? '',
    6: template.receivingFacility ?? '',
    7: formatHl7Timestamp(request.at, { timeZone: template.timeZone }),
    9: messageType,
    10: request.controlId,
    11: template.processingId ?? 'P',
    12: version,
    18: template.charset ? msh18ForCharset(template.charset) : undefined,
  });
}

function validate(request: Hl7QueryRequest): string {
  const value = request.value.trim();
  if (value === '') throw new Hl7BuildError('HL7_EMPTY_VALUE', 'the query value is empty');
  if (request.controlId.trim() === '' || /[\r\n]/.test(request.controlId)) {
    throw new Hl7BuildError('HL7_BAD_CONTROL_ID', 'the control id must be a non-empty single line');
  }
  return value;
}

/**
 * A QRY^A19 (MSH, QRD, optional QRF) or QBP^Q22 IHE PDQ (MSH, QPD, RCP) from the hospital's
 * template. Every value is escaped, so a `|` or `^` in it cannot break the message. Returns the
 * text with `\r` terminators; encode it with `encodeHl7(text, template.charset)`.
 */
export function buildQuery(template: Hl7QueryTemplate, request: Hl7QueryRequest): string {
  const value = validate(request);
  const typeCode = template.identifierTypeCodes?.[request.by] || DEFAULT_TYPE_CODES[request.by];
  const authority = template.patientIdAuthority ?? '';
  const limit = String(template.maxCandidates ?? DEFAULT_MAX_CANDIDATES);

  if (template.queryStyle === 'QBP_Q22') {
    const parameters: Hl7RepetitionValue[] = [['@PID.3.1', value]];
    if (authority !== '') parameters.push(['@PID.3.4.1', authority]);
    parameters.push(['@PID.3.5', typeCode]);
    return encodeMessage([
      header(template, request, ['QBP', 'Q22', 'QBP_Q21'], template.version ?? '2.5'),
      encodeSegment('QPD', {
        1: template.queryName ?? 'IHE PDQ Query',
        2: request.controlId,
        3: { repetitions: parameters },
      }),
      encodeSegment('RCP', { 1: 'I', 2: [limit, 'RD'] }),
    ]);
  }

  const at = formatHl7Timestamp(request.at, { timeZone: template.timeZone });
  // QRD-8 (who subject filter) is an XCN: id, then assigning authority in XCN.9, type code in XCN.13.
  const who: string[] = [value, '', '', '', '', '', '', '', authority, '', '', '', typeCode];
  const segments = [
    header(template, request, ['QRY', 'A19'], template.version ?? '2.3'),
    encodeSegment('QRD', { 1: at, 2: 'R', 3: 'I', 4: request.controlId, 7: [limit, 'RD'], 8: who, 9: 'DEM' }),
  ];
  if (template.qrfWhereSubjectFilter) {
    segments.push(encodeSegment('QRF', { 1: template.qrfWhereSubjectFilter }));
  }
  return encodeMessage(segments);
}
