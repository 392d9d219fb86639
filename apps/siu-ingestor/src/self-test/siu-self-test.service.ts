import { Injectable } from '@nestjs/common';
import { DestinationPolicy, SelfTestRecorder, probeName, probeTcp, type StepOutcome } from '@bridge/config';
import { DomainError, isDomainError, type ConnectionTestResultV1 } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { join, posix } from 'node:path';
import { SiuConnectionsRepository } from '../connections/siu-connections.repository';
import type { SiuConnectionSettings } from '../connections/siu-settings';
import { DirectoryBounds } from '../sources/directory-bounds';
import { fileMatcher } from '../sources/file-pattern';
import { hostKeyMatches } from '../sources/host-key';
import { openSiuSource } from '../sources/open-siu-source';
import { describeSourceError, type SiuSource } from '../sources/siu-source';

const TCP_TIMEOUT_MS = 5000;

/**
 * The SIU connection's self-test (PRODUCT.md "Connection self-test"). SFTP: name resolution, TCP, host key,
 * login, listing, archive write permission; a directory: existence and permissions, listing, archive write
 * permission. It goes through the run's own source code (openSiuSource, SiuSource) and reads, moves and
 * deletes no file: the only write is an empty hidden probe file created and deleted in the archive folder.
 */
@Injectable()
export class SiuSelfTestService {
  constructor(
    private readonly connections: SiuConnectionsRepository,
    private readonly bounds: DirectoryBounds,
    private readonly destinations: DestinationPolicy,
    private readonly bus: Bus,
  ) {}

  /** The source's steps, then (with an MLLP listener) the listener's, run by hl7-gateway where it listens. */
  async test(hospitalId: string): Promise<ConnectionTestResultV1> {
    const stored = await this.connections.find(hospitalId);
    if (!stored) throw new DomainError('NOT_FOUND', 'This hospital has no SIU connection.');
    const { settings } = stored;
    const test = new SelfTestRecorder();
    await this.sourceSteps(settings, test);
    if (settings.mllpListener) await this.listenerSteps(hospitalId, test);
    return test.result();
  }

  private async listenerSteps(hospitalId: string, test: SelfTestRecorder): Promise<void> {
    const started = performance.now();
    try {
      test.adopt((await this.bus.request('hl7.siu-listener.test.v1', { hospitalId })).steps);
    } catch (error) {
      await test.step('MLLP listener', async () => ({
        ok: false,
        ms: performance.now() - started,
        detail: `hl7-gateway, which runs the listener, did not answer (${isDomainError(error) ? error.code : (error as Error).message}).`,
      }));
    }
  }

  private async sourceSteps(settings: SiuConnectionSettings, test: SelfTestRecorder): Promise<void> {
    const source =
      settings.source.type === 'sftp'
        ? await this.openSftp(settings, test)
        : await this.openDirectory(settings, test);
    if (!source) return;
    try {
      const listed = await test.step('Listing', () => listing(source, settings));
      if (listed === undefined) return;
      if (settings.afterProcessing === 'archive') {
        await test.step('Archive write permission', () => archiveWrite(source, settings));
      } else {
        test.skip(
          'Archive write permission',
          'Files are deleted after processing: there is no archive folder to write to.',
        );
      }
    } finally {
      await source.close();
    }
  }

  private async openSftp(
    settings: SiuConnectionSettings,
    test: SelfTestRecorder,
  ): Promise<SiuSource | undefined> {
    const { source } = settings;
    const port = source.port ?? 22;
    const checked = await test.step('Name resolution', () =>
      probeName(this.destinations, source.host!, port));
    if (!checked) return undefined;
    const connected = await test.step('TCP connect', async () => {
      const outcome = await probeTcp(checked, port, TCP_TIMEOUT_MS);
      return { ...outcome, value: outcome.ok };
    });
    if (!connected) return undefined;

    // One real connection (the run's own code); the host key it saw and when split it into two steps.
    let presented: Buffer | undefined;
    let keyAt = 0;
    const started = performance.now();
    let opened: SiuSource | undefined;
    let failure: unknown;
    try {
      opened = await openSiuSource(
        settings,
        { bounds: this.bounds, destinations: this.destinations },
        {
          onHostKey: (key) => {
            presented = key;
            keyAt = performance.now();
          },
        },
      );
    } catch (error) {
      failure = error;
    }
    const ended = performance.now();
    const keyMs = (presented ? keyAt : ended) - started;
    await test.step('SSH host key', async () => ({
      ...hostKeyVerdict(source, presented, failure),
      ms: keyMs,
    }));
    if (!presented || (source.hostKeySha256 && !hostKeyMatches(source.hostKeySha256, presented))) {
      await opened?.close();
      return undefined;
    }
    await test.step('Login', async () =>
      opened
        ? { ok: true, detail: `Logged in as ${source.username}.`, ms: ended - keyAt }
        : { ok: false, detail: explainLoginFailure(failure, source.username!), ms: ended - keyAt });
    return opened;
  }

  private async openDirectory(
    settings: SiuConnectionSettings,
    test: SelfTestRecorder,
  ): Promise<SiuSource | undefined> {
    const path = settings.source.path;
    const usable = await test.step('Directory', async (): Promise<StepOutcome<true>> => {
      const refusal = await this.bounds.refusal(path);
      if (refusal) return { ok: false, detail: `The folder ${refusal}.` };
      let info: Stats;
      try {
        info = await stat(path);
      } catch (error) {
        const { code, message } = error as NodeJS.ErrnoException;
        return {
          ok: false,
          detail:
            code === 'ENOENT'
              ? `The folder ${path} does not exist (is the share mounted?).`
              : `The folder ${path} cannot be examined (${code ?? message}).`,
        };
      }
      if (!info.isDirectory()) return { ok: false, detail: `${path} is not a folder.` };
      // Reading needs r+x; archiving or deleting a file needs w on its folder.
      const denied = await access(path, constants.R_OK | constants.X_OK).then(
        () => undefined,
        () => 'read',
      );
      if (denied)
        return { ok: false, detail: `The platform may not read the folder ${path} (permission denied).` };
      const writable = await access(path, constants.W_OK).then(
        () => true,
        () => false,
      );
      if (!writable) {
        return {
          ok: false,
          detail: `The platform may read ${path} but not remove files from it: processed files could never be moved or deleted.`,
        };
      }
      return {
        ok: true,
        detail: `${path} exists; the platform may read it and move files out of it.`,
        value: true,
      };
    });
    if (!usable) return undefined;
    return openSiuSource(settings, { bounds: this.bounds, destinations: this.destinations });
  }
}

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function hostKeyVerdict(
  source: SiuConnectionSettings['source'],
  presented: Buffer | undefined,
  failure: unknown,
): StepOutcome<true> {
  if (!presented) {
    return {
      ok: false,
      detail: `No SSH handshake: ${failure ? describeSourceError(failure) : 'the server sent no host key'}. Is this an SFTP server?`,
    };
  }
  const seen = fingerprint(presented);
  if (!source.hostKeySha256) {
    return {
      ok: true,
      detail: `The server presents ${seen}; it is not checked (insecureSkipHostKeyCheck). Pin it.`,
      value: true,
    };
  }
  if (!hostKeyMatches(source.hostKeySha256, presented)) {
    return {
      ok: false,
      detail: `The server's host key changed: it presents ${seen}, the connection pins ${source.hostKeySha256}. Nothing was sent. Confirm the new key with the hospital before pinning it: it may be another server.`,
    };
  }
  return { ok: true, detail: `The server presents ${seen}, the pinned key.`, value: true };
}

function explainLoginFailure(failure: unknown, username: string): string {
  const text = describeSourceError(failure);
  if (/authentication/i.test(text)) {
    return `The server refused the login of ${username}: wrong password or key, or the account is locked.`;
  }
  return `The login as ${username} failed: ${text}.`;
}

async function listing(source: SiuSource, settings: SiuConnectionSettings): Promise<StepOutcome<number>> {
  try {
    const files = await source.list();
    const matches = fileMatcher(settings.filePattern);
    const waiting = files.filter((file) => matches(file.name)).length;
    return {
      ok: true,
      detail: `${settings.source.path}: ${files.length} file(s), ${waiting} matching "${settings.filePattern}" (nothing was read).`,
      value: files.length,
    };
  } catch (error) {
    return {
      ok: false,
      detail: `The folder ${settings.source.path} cannot be listed: ${describeSourceError(error)}.`,
    };
  }
}

async function archiveWrite(source: SiuSource, settings: SiuConnectionSettings): Promise<StepOutcome<true>> {
  const archive =
    settings.archivePath ??
    (settings.source.type === 'sftp'
      ? posix.join(settings.source.path, 'archive')
      : join(settings.source.path, 'archive'));
  const probe = `.careflow-selftest-${randomUUID()}.tmp`;
  try {
    const state = await source.probeArchiveWrite(probe);
    return {
      ok: true,
      detail:
        state === 'missing'
          ? `The archive folder ${archive} does not exist yet; the first run creates it (the test did not).`
          : `Created and deleted the empty probe file ${probe} in ${archive}: the archive folder is writable.`,
      value: true,
    };
  } catch (error) {
    const text = describeSourceError(error);
    if (/permission denied|EACCES|EPERM/i.test(text)) {
      return {
        ok: false,
        detail: `The archive folder ${archive} is not writable (permission denied): files would be read but never archived, and read again at every run.`,
      };
    }
    return { ok: false, detail: `Writing in the archive folder ${archive} failed: ${text}.` };
  }
}
