import type { Hl7Message, Hl7Segment } from '../model/hl7-message';
import type { PidGroup } from './demographics.types';

/**
 * Rule 9: each PID starts a group that runs to the next PID. Segments before the first PID
 * (MSH, MSA, QAK, QRD, ...) belong to no group. Groups keep message order.
 */
export function groupsByPid(message: Hl7Message): PidGroup[] {
  const groups: PidGroup[] = [];
  let current: { pid: Hl7Segment; pv1?: Hl7Segment; segments: Hl7Segment[] } | undefined;
  for (const segment of message.segments) {
    if (segment.name === 'PID') {
      current = { pid: segment, segments: [segment] };
      groups.push(current);
    } else if (current) {
      current.segments.push(segment);
      if (segment.name === 'PV1' && current.pv1 === undefined) current.pv1 = segment;
    }
  }
  return groups;
}
