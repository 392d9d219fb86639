/** A file offered by an SIU source. */
export interface SourceFile {
  name: string;
  size: number;
  modifiedAt: Date;
}

/**
 * Where a hospital drops its SIU files (PRODUCT.md: a directory or SFTP), behind one interface so a run
 * does not care which. Archive and delete are called only once every message of the file is committed.
 */
export interface SiuSource {
  /** The regular files of the source directory, in no particular order. */
  list(): Promise<SourceFile[]>;
  /** The file's bytes as they arrive: never the whole file in memory. */
  read(name: string): AsyncIterable<Buffer>;
  /** Moves the file to the archive directory; answers the name it got there (a suffix avoids overwriting). */
  archive(name: string, options: { uniqueSuffix: string }): Promise<string>;
  remove(name: string): Promise<void>;
  /**
   * The self-test's archive check: creates the empty file `probeName` in the archive folder and deletes it
   * at once (nothing else is written). 'missing' when the folder does not exist and the first archive
   * will create it (the test does not create it); throws when it cannot write there.
   */
  probeArchiveWrite(probeName: string): Promise<'writable' | 'missing'>;
  close(): Promise<void>;
}

/** Why a source operation failed, without paths' contents or secrets: error codes and system messages only. */
export function describeSourceError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
