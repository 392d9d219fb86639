import { HL7_FIELD_NAMES } from './hl7-field-names';

/** Raw HL7 with each segment's fields listed by position (PID-5) and name, for reading a message in the log. */
export function Hl7View({ raw, label }: { raw: string; label: string }) {
  const segments = raw.split(/\r\n|\r|\n/).filter((line) => line.trim().length > 0);
  const fieldSeparator = segments[0]?.startsWith('MSH') ? segments[0][3] : '|';
  return (
    <section aria-label={label}>
      <pre className="hl7">{segments.join('\n')}</pre>
      {segments.map((segment, index) => {
        const name = segment.slice(0, 3);
        const parts = segment.split(fieldSeparator);
        // MSH-1 is the separator itself, so MSH fields are shifted by one against the split.
        const fields = name === 'MSH' ? [fieldSeparator, ...parts.slice(1)] : parts.slice(1);
        return (
          <details key={`${name}-${index}`} className="segment">
            <summary>{name}</summary>
            <dl>
              {fields.map((value, position) =>
                value ? (
                  <div key={position}>
                    <dt>
                      {name}-{position + 1} {HL7_FIELD_NAMES[name]?.[position] ?? ''}
                    </dt>
                    <dd>{value}</dd>
                  </div>
                ) : null,
              )}
            </dl>
          </details>
        );
      })}
    </section>
  );
}
