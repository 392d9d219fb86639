import { utils } from 'ssh2';

export const STATUS = utils.sftp.STATUS_CODE;
export type SftpStatusCode = utils.sftp.STATUS_CODE;

/** The text a full disk answers with (ENOSPC), for the `diskFullUnder` fault. */
export const DISK_FULL_MESSAGE = 'No space left on device';

/** A request the server refuses on purpose (escape from the root, a fault, a rename onto a file). */
export class SftpRefusal extends Error {
  constructor(
    readonly code: SftpStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'SftpRefusal';
  }
}

export const refusePermission = (): SftpRefusal =>
  new SftpRefusal(STATUS.PERMISSION_DENIED, 'Permission denied');

/**
 * The SFTP status for a failed request: ENOENT -> NO_SUCH_FILE, EACCES/EPERM -> PERMISSION_DENIED, anything
 * else FAILURE with the system's description only ("directory not empty"): Node's message also names the
 * disk path, which would tell the client where the root lives.
 */
export function statusOf(error: unknown): { code: SftpStatusCode; message: string } {
  if (error instanceof SftpRefusal) return { code: error.code, message: error.message };
  const errno = error as NodeJS.ErrnoException;
  switch (errno?.code) {
    case 'ENOENT':
      return { code: STATUS.NO_SUCH_FILE, message: 'No such file' };
    case 'EACCES':
    case 'EPERM':
      return { code: STATUS.PERMISSION_DENIED, message: 'Permission denied' };
    default: {
      const description =
        typeof errno?.code === 'string' && typeof errno.syscall === 'string'
          ? /^[A-Z0-9_]+: ([^,]+)/.exec(errno.message)?.[1]
          : undefined;
      return { code: STATUS.FAILURE, message: description ?? 'Failure' };
    }
  }
}
