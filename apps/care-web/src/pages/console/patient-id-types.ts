/**
 * `patientIdTypes` of the HL7 and SIU connections (HL7-RULES rule 10 b) as one text field: type codes
 * in precedence order, separated by commas or spaces. Empty means "not set": the default applies.
 */
export function parsePatientIdTypes(text: string): string[] | undefined {
  const types = text
    .split(/[\s,]+/)
    .map((type) => type.trim())
    .filter((type) => type !== '');
  return types.length === 0 ? undefined : types;
}

export function formatPatientIdTypes(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '';
}
