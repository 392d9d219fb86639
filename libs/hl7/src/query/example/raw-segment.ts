import type { Hl7Delimiters } from '../../model/hl7-delimiters';

/** Splits on a separator the message may not declare (`''`: nothing to split on). */
function split(raw: string, separator: string): string[] {
  return separator === '' ? [raw] : raw.split(separator);
}

function pad(values: string[], length: number): string[] {
  while (values.length < length) values.push('');
  return values;
}

/**
 * A segment line kept as written (still escaped) that can be edited leaf by leaf. Only the field
 * that is edited is split and joined again, so everything else stays byte for byte the example's.
 */
export class RawSegment {
  private readonly parts: string[];

  constructor(
    line: string,
    private readonly d: Hl7Delimiters,
  ) {
    this.parts = line.split(d.field);
  }

  get name(): string {
    return this.parts[0];
  }

  /** Raw repetitions of field `field` (HL7 numbering; MSH-1 is the field separator itself). */
  repetitions(field: number): string[] {
    const raw = this.parts[this.partIndex(field)] ?? '';
    return raw === '' ? [] : split(raw, this.d.repetition);
  }

  /** The raw leaf (1-based repetition, component, subcomponent); '' when absent. */
  leaf(field: number, repetition: number, component: number, subcomponent = 1): string {
    const rep = this.repetitions(field)[repetition - 1] ?? '';
    const comp = split(rep, this.d.component)[component - 1] ?? '';
    return split(comp, this.d.subcomponent)[subcomponent - 1] ?? '';
  }

  /** Replaces one leaf with raw (already escaped) text, creating empty positions up to it. */
  setLeaf(field: number, repetition: number, component: number, subcomponent: number, raw: string): void {
    const index = this.partIndex(field);
    pad(this.parts, index + 1);
    const reps = pad(split(this.parts[index], this.d.repetition), repetition);
    const comps = pad(split(reps[repetition - 1], this.d.component), component);
    const subs = pad(split(comps[component - 1], this.d.subcomponent), subcomponent);
    subs[subcomponent - 1] = raw;
    comps[component - 1] = subs.join(this.d.subcomponent);
    reps[repetition - 1] = comps.join(this.d.component);
    this.parts[index] = reps.join(this.d.repetition);
  }

  toString(): string {
    return this.parts.join(this.d.field);
  }

  private partIndex(field: number): number {
    // In MSH the first separator is MSH-1, so MSH-n is the (n-1)th piece after the name.
    return this.parts[0] === 'MSH' ? field - 1 : field;
  }
}
