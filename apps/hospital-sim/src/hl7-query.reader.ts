import { DEFAULT_HL7_DELIMITERS, type Hl7Message } from '@bridge/hl7';
import type { SimLookup } from './patient-lookup';

/** A query the responder understood: what to look up, and what the reply must echo. */
export interface SimQuery {
  readonly style: 'QRY_A19' | 'QBP_Q22';
  readonly lookup: SimLookup;
  /** QAK-1: QRD-4 (query id) or QPD-2 (query tag). */
  readonly queryTag: string;
  /** QRD-7 / RCP-2 quantity limit, when the query gives one. */
  readonly limit?: number;
  /** Segment lines to echo as written (QRD/QRF, QPD), only when the query uses our delimiters. */
  readonly echo: readonly string[];
  /** QPD-1 (query name), echoed in QAK-3. */
  readonly queryName: readonly string[];
}

/** Why a message is not a query the simulator can answer (text for MSA-3: no values in it). */
export class SimQueryError extends Error {
  override readonly name = 'SimQueryError';
}

function usesDefaultDelimiters(message: Hl7Message): boolean {
  const d = message.delimiters;
  const std = DEFAULT_HL7_DELIMITERS;
  return (
    d.field === std.field &&
    d.component === std.component &&
    d.repetition === std.repetition &&
    d.escape === std.escape &&
    d.subcomponent === std.subcomponent
  );
}

function positiveInteger(value: string): number | undefined {
  const number = Number.parseInt(value, 10);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

function byTypeCode(typeCode: string): SimLookup['by'] {
  return typeCode.toUpperCase() === 'VN' ? 'visitNumber' : 'patientCode';
}

/** QRY^A19: QRD-8 (who subject filter, an XCN) holds the id, XCN.9 the authority, XCN.13 the type. */
function readA19(message: Hl7Message): SimQuery {
  const qrd = message.first('QRD');
  if (!qrd) throw new SimQueryError('QRY^A19 without a QRD segment');
  const who = qrd.field(8)[0];
  const value = who?.component(1) ?? '';
  if (value === '') throw new SimQueryError('QRD-8 holds no identifier');
  const echo = usesDefaultDelimiters(message)
    ? message.segments.filter((segment) => segment.name === 'QRD' || segment.name === 'QRF').map(String)
    : [];
  return {
    style: 'QRY_A19',
    lookup: { by: byTypeCode(who?.component(13) ?? ''), value, authority: who?.component(9) ?? '' },
    queryTag: qrd.get(4),
    limit: positiveInteger(qrd.get(7)),
    echo,
    queryName: [],
  };
}

/**
 * QBP^Q22: QPD-3 is a list of `@field^value` pairs (IHE PDQ). `@PID.3.1` is the id, `@PID.3.4.1`
 * (or `@PID.3.4`) the authority, `@PID.3.5` the type code; `@PV1.19` (PDQV) asks for a visit.
 */
function readQ22(message: Hl7Message): SimQuery {
  const qpd = message.first('QPD');
  if (!qpd) throw new SimQueryError('QBP^Q22 without a QPD segment');
  const parameters = new Map<string, string>();
  for (const repetition of qpd.field(3)) {
    const name = repetition.component(1).replace(/^@/, '').toUpperCase();
    if (name !== '') parameters.set(name, repetition.component(2));
  }
  const visit = parameters.get('PV1.19') || parameters.get('PV1.19.1') || '';
  const value = visit || parameters.get('PID.3.1') || parameters.get('PID.3') || '';
  if (value === '') throw new SimQueryError('QPD-3 holds no identifier');
  const authority = parameters.get('PID.3.4.1') || parameters.get('PID.3.4') || '';
  const by = visit !== '' ? 'visitNumber' : byTypeCode(parameters.get('PID.3.5') ?? '');
  const name = qpd.field(1)[0];
  return {
    style: 'QBP_Q22',
    lookup: { by, value, authority },
    queryTag: qpd.get(2),
    limit: positiveInteger(message.get('RCP-2')),
    echo: usesDefaultDelimiters(message) ? [String(qpd)] : [],
    queryName: name ? [name.component(1), name.component(2), name.component(3)] : [],
  };
}

/** Reads a QRY^A19 or QBP^Q22; throws SimQueryError for anything else. */
export function readSimQuery(message: Hl7Message): SimQuery {
  const code = message.messageCode.toUpperCase();
  const event = message.event.toUpperCase();
  if (code === 'QRY' && event === 'A19') return readA19(message);
  if (code === 'QBP' && event === 'Q22') return readQ22(message);
  throw new SimQueryError('only QRY^A19 and QBP^Q22 are answered');
}
