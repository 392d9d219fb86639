import { formatHl7Timestamp } from '../../model/hl7-date';
import type { Hl7Delimiters } from '../../model/hl7-delimiters';
import { escapeHl7 } from '../../model/hl7-escape';
import { Hl7BuildError } from '../../model/hl7.errors';
import type { Hl7QueryRequest } from '../query.types';
import type { DerivedQueryTemplate, ExampleSlot, ExampleTimestampFormat } from './example-query.types';

function timestamp(at: Date, format: ExampleTimestampFormat, timeZone: string | undefined): string {
  // `YYYYMMDDHHMMSS+ZZZZ`, cut to the example's precision.
  const full = formatHl7Timestamp(at, { timeZone });
  let text = full.slice(0, format.digits);
  if (format.fractionDigits > 0) {
    text +=
      '.' +
      String(at.getUTCMilliseconds())
        .padStart(3, '0')
        .padEnd(format.fractionDigits, '0')
        .slice(0, format.fractionDigits);
  }
  return format.offset ? text + full.slice(14) : text;
}

/**
 * A query from a template derived by `deriveExampleQuery`: the example's text with the slots filled,
 * nothing parsed. Values are escaped with the example's separators. `\r` terminators; encode it with
 * `encodeHl7(text, template.charset ?? connectionCharset)`.
 */
export function fillExampleQuery(
  template: DerivedQueryTemplate,
  request: Hl7QueryRequest,
  options: { timeZone?: string } = {},
): string {
  const value = request.value.trim();
  if (value === '') throw new Hl7BuildError('HL7_EMPTY_VALUE', 'the query value is empty');
  if (request.controlId.trim() === '' || /[\r\n]/.test(request.controlId)) {
    throw new Hl7BuildError('HL7_BAD_CONTROL_ID', 'the control id must be a non-empty single line');
  }
  const d: Hl7Delimiters = { ...template.delimiters, truncation: '' };
  const layout = request.by === 'visitNumber' ? template.byVisitNumber : template.byPatientCode;
  const controlId = escapeHl7(request.controlId, d);
  const values: Record<ExampleSlot, string> = {
    controlId,
    queryId: controlId,
    timestamp: timestamp(request.at, template.timestamp, options.timeZone),
    queryTimestamp: timestamp(request.at, template.queryTimestamp, options.timeZone),
    value: escapeHl7(value, d),
  };
  let text = layout.texts[0];
  for (let i = 0; i < layout.slots.length; i++) text += values[layout.slots[i]] + layout.texts[i + 1];
  return text;
}
