/**
 * A connection's `filePattern`: one or more globs separated by commas (`*.hl7,*.txt`), where `*` is any run
 * of characters and `?` one character. As in a shell, `*` does not match a leading dot, so upload tools'
 * hidden temporary files (`.file.hl7.part`) are never read.
 */
export function fileMatcher(pattern: string): (name: string) => boolean {
  const globs = pattern
    .split(',')
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '')
    .map((glob) => {
      const body = [...glob]
        .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { regex: new RegExp(`^${body}$`, 'u'), dotAllowed: glob.startsWith('.') };
    });
  return (name) =>
    globs.some(({ regex, dotAllowed }) => (dotAllowed || !name.startsWith('.')) && regex.test(name));
}
