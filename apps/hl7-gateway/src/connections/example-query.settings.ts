import { DomainError, type Hl7ConnectionInputV1, type Hl7DerivedTemplateViewV1 } from '@bridge/contracts';
import {
  ExampleQueryError,
  deriveExampleQuery,
  type DerivedQueryTemplate,
  type ExampleQueryLayout,
} from '@bridge/hl7';

const STYLE_TYPES = { QRY_A19: 'QRY^A19', QBP_Q22: 'QBP^Q22' } as const;

/** The body's MSH settings that the example decides instead, with the MSH field each one would set. */
const OVERRIDDEN: readonly [keyof Hl7ConnectionInputV1, string][] = [
  ['sendingApplication', 'MSH-3'],
  ['sendingFacility', 'MSH-4'],
  ['receivingApplication', 'MSH-5'],
  ['receivingFacility', 'MSH-6'],
  ['version', 'MSH-12'],
];

function invalid(field: string, message: string, problem: string): DomainError {
  return new DomainError('EXAMPLE_QUERY_INVALID', `${field}: ${message}.`, {
    errors: [{ field, message: `${field}: ${message}` }],
    problem,
  });
}

/**
 * Derives the template from the body's `exampleQuery` (once, at save). A bad example, or one that
 * contradicts `queryStyle`, is EXAMPLE_QUERY_INVALID (400) naming the field and what is wrong.
 * Body settings the example overrides are said in the notes, never silently dropped.
 */
export function deriveConnectionTemplate(input: Hl7ConnectionInputV1): DerivedQueryTemplate | undefined {
  if (input.exampleQuery === undefined) return undefined;
  let derived: DerivedQueryTemplate;
  try {
    derived = deriveExampleQuery(input.exampleQuery);
  } catch (error) {
    if (error instanceof ExampleQueryError) throw invalid('exampleQuery', error.message, error.problem);
    throw error;
  }
  if (derived.queryStyle !== input.queryStyle) {
    throw invalid(
      'queryStyle',
      `queryStyle is ${input.queryStyle} but exampleQuery is a ${STYLE_TYPES[derived.queryStyle]}; ` +
        `set queryStyle to ${derived.queryStyle}`,
      'STYLE_MISMATCH',
    );
  }
  const notes = [...derived.notes];
  const msh = mshValues(input.exampleQuery, derived);
  for (const [setting, field] of OVERRIDDEN) {
    const value = input[setting];
    if (typeof value === 'string' && value !== msh[field]) {
      notes.push(
        `${setting} "${value}" is not used: ${field} is sent as in the example ("${msh[field] ?? ''}").`,
      );
    }
  }
  if (input.charset && derived.charset && input.charset !== derived.charset) {
    notes.push(
      `charset ${input.charset} is not used for queries: the example declares ${derived.charset} in MSH-18.`,
    );
  }
  if (derived.authority && !input.patientIdAuthority) {
    notes.push(
      `Replies are read with the connection's patientIdAuthority, which is not set; set it to "${derived.authority}" ` +
        "if the hospital's PID-3 names the patient with that authority (HL7-RULES rule 10).",
    );
  }
  return { ...derived, notes };
}

/** MSH-3..6 and MSH-12 as written in the example (first component), for the override notes. */
function mshValues(example: string, derived: DerivedQueryTemplate): Record<string, string> {
  const header = example
    .replace(/^\uFEFF/, '')
    .trimStart()
    .split(/\r\n|\r|\n/)[0];
  const fields = header.split(derived.delimiters.field);
  const first = (n: number): string => (fields[n - 1] ?? '').split(derived.delimiters.component)[0];
  return { 'MSH-3': first(3), 'MSH-4': first(4), 'MSH-5': first(5), 'MSH-6': first(6), 'MSH-12': first(12) };
}

function render(layout: ExampleQueryLayout): string[] {
  let text = layout.texts[0];
  layout.slots.forEach((slot, i) => (text += `{${slot}}` + layout.texts[i + 1]));
  return text.split('\r').filter((line) => line !== '');
}

/** What GET shows of a derived template. */
export function derivedTemplateView(derived: DerivedQueryTemplate): Hl7DerivedTemplateViewV1 {
  return {
    queryStyle: derived.queryStyle,
    messageType: derived.messageType,
    version: derived.version,
    ...(derived.charset ? { charset: derived.charset } : {}),
    exampleBy: derived.exampleBy,
    idPath: derived.idPath,
    ...(derived.authority ? { authority: derived.authority } : {}),
    layout: { patientCode: render(derived.byPatientCode), visitNumber: render(derived.byVisitNumber) },
    notes: [...derived.notes],
  };
}
