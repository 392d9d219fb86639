/** Field paths of the wrapper (`mappings[0].role` as `mappings.0.role`) made relative to the section. */
export function withoutPrefix(error: unknown, prefix: string): unknown {
  const errors = (error as { details?: { errors?: { field: string }[] } }).details?.errors;
  for (const fieldError of errors ?? []) {
    fieldError.field = fieldError.field === prefix ? '' : fieldError.field.replace(`${prefix}.`, '');
  }
  return error;
}
