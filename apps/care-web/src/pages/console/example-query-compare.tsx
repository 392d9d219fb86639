import { useText } from '../../i18n';

/** What the preview shows for each value the platform fills in per query (HL7 tokens, not prose). */
const PREVIEW_VALUES: Record<string, string> = {
  controlId: 'CONTROLID',
  timestamp: 'YYYYMMDDHHMMSS',
  queryTimestamp: 'YYYYMMDDHHMMSS',
  queryId: 'QUERYID',
  value: 'PATIENT-ID',
};

/** `{slot}` places of the derived layout filled with visible placeholders (a preview: nothing is sent). */
export function renderPreview(layout: string[]): string[] {
  return layout.map((line) =>
    line.replace(/\{(\w+)\}/g, (whole, slot: string) => PREVIEW_VALUES[slot] ?? whole),
  );
}

/** Segment lines of a pasted example, whatever line breaks it came with. */
export function exampleLines(example: string): string[] {
  return example.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
}

interface FieldCell {
  value: string;
  differs: boolean;
}

/** Each line's fields, marked where they differ from the same field of the other side's same line. */
export function compareLines(lines: string[], others: string[], separator: string): FieldCell[][] {
  return lines.map((line, index) => {
    const theirs = (others[index] ?? '').split(separator);
    return line.split(separator).map((value, field) => ({ value, differs: value !== (theirs[field] ?? '') }));
  });
}

/**
 * The hospital's example beside the next query built from it, field by field: the fields that differ are
 * highlighted, so an engineer sees at a glance that only the control id, times, query id and the patient ID
 * change (PRODUCT.md "Template from the hospital's own example").
 */
export function ExampleQueryCompare({ example, layout }: { example: string; layout: string[] }) {
  const { t } = useText();
  const original = exampleLines(example);
  const next = renderPreview(layout);
  // MSH-1 of the example: the field separator both sides use.
  const separator = original[0]?.startsWith('MSH') && original[0].length > 3 ? original[0][3] : '|';
  const side = (lines: FieldCell[][]) => (
    <pre>
      {lines.map((fields, line) => (
        <div key={line}>
          {fields.map((cell, field) => (
            <span key={field}>
              {field > 0 && separator}
              {cell.differs ? <mark>{cell.value}</mark> : cell.value}
            </span>
          ))}
        </div>
      ))}
    </pre>
  );
  return (
    <section aria-label={t('exampleQuery.region')}>
      <p>{t('exampleQuery.legend')}</p>
      <div className="query-compare">
        <div>
          <h4>{t('exampleQuery.example')}</h4>
          {side(compareLines(original, next, separator))}
        </div>
        <div>
          <h4>{t('exampleQuery.next')}</h4>
          {side(compareLines(next, original, separator))}
        </div>
      </div>
    </section>
  );
}
