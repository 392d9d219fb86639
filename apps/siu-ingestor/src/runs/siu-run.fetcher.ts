import { Inject, Injectable, Logger } from '@nestjs/common';
import { DestinationPolicy } from '@bridge/config';
import { compareFileNamesBytewise, splitHl7Batch } from '@bridge/hl7';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { fileMatcher } from '../sources/file-pattern';
import { DirectoryBounds } from '../sources/directory-bounds';
import { openSiuSource } from '../sources/open-siu-source';
import { describeSourceError, type SiuSource, type SourceFile } from '../sources/siu-source';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';
import { readMessageHeader } from './message-header';
import { RunInterruptedError, SiuFilesRepository, type SplitMessage } from './siu-files.repository';
import { SiuRunsRepository, type RunRecord } from './siu-runs.repository';

/** The longest pause between a fetching run's signs of life, however long SIU_RUN_STALE_MS is. */
const MAX_HEARTBEAT_MS = 5_000;
/** Messages per INSERT: large enough for speed, small enough that memory stays flat on a 100,000-message file. */
const INSERT_MESSAGES = 1000;
const INSERT_BYTES = 4 * 1024 * 1024;

export interface FetchSignal {
  /** Set on shutdown: the run stops between files; the rest stays at the source for the next run. */
  stopping: boolean;
}

/**
 * The first half of a run (ARCHITECTURE.md "SIU batch"): take the source's files in byte-wise name order
 * (rule 19) and store each with its messages in one transaction — the outbox rows committed with them hand
 * the messages to the consumers — and only then archive or delete the file. A file that cannot be read
 * whole stays at the source; one whose archive failed is recognised by the next run (name and SHA-256) and
 * only archived: its messages are never stored twice.
 */
@Injectable()
export class SiuRunFetcher {
  private readonly logger = new Logger('SiuRunFetcher');

  constructor(
    private readonly dataSource: DataSource,
    private readonly files: SiuFilesRepository,
    private readonly runs: SiuRunsRepository,
    private readonly bounds: DirectoryBounds,
    private readonly destinations: DestinationPolicy,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
  ) {}

  async fetch(run: RunRecord, signal: FetchSignal): Promise<void> {
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(run.hospitalId, run.id).catch(() => undefined);
    }, heartbeatIntervalMs(this.options.staleMs));
    let error: string | undefined;
    try {
      let source: SiuSource | undefined;
      try {
        source = await openSiuSource(run.settings, { bounds: this.bounds, destinations: this.destinations });
      } catch (cause) {
        error = `the source could not be opened: ${describeSourceError(cause)}`;
      }
      if (source) {
        try {
          error = await this.takeFiles(run, source, signal);
        } finally {
          await source.close();
        }
      }
    } catch (cause) {
      error = `the run stopped: ${describeSourceError(cause)}`;
      this.logger.error({ msg: 'SIU run stopped', runId: run.id, error: describeSourceError(cause) });
    } finally {
      clearInterval(heartbeat);
      await this.runs.fetched(run.hospitalId, run.id, error);
      await this.runs.finishIfDone(run.id);
    }
  }

  private async takeFiles(
    run: RunRecord,
    source: SiuSource,
    signal: FetchSignal,
  ): Promise<string | undefined> {
    let listed: SourceFile[];
    try {
      listed = await source.list();
    } catch (cause) {
      return `the source could not be listed: ${describeSourceError(cause)}`;
    }
    const matches = fileMatcher(run.settings.filePattern);
    const now = Date.now();
    const files = listed
      .filter((file) => matches(file.name))
      .sort((a, b) => compareFileNamesBytewise(a.name, b.name));
    for (const file of files) {
      if (signal.stopping) return 'interrupted: the service stopped; files not taken stay at the source';
      // Possibly still being written: left for a later run.
      if (now - file.modifiedAt.getTime() < run.settings.minFileAgeMs) continue;
      try {
        const stored = (await this.storedEarlier(run, source, file)) ?? (await this.store(run, source, file));
        if (typeof stored === 'string') await this.release(run, source, file.name, stored);
        else await this.runs.addFailure(run.hospitalId, run.id, file.name, stored.rejected);
      } catch (cause) {
        await this.runs.addFailure(run.hospitalId, run.id, file.name, describeSourceError(cause));
        // Another instance ended this run's fetching: every later file would be refused the same way.
        if (cause instanceof RunInterruptedError) return cause.message;
      }
    }
    return undefined;
  }

  /** The id of this very file (same name and content) if an earlier run stored it but could not archive it. */
  private async storedEarlier(
    run: RunRecord,
    source: SiuSource,
    file: SourceFile,
  ): Promise<string | undefined> {
    const candidates = await this.files.leftAtSource(run.hospitalId, file.name);
    if (candidates.length === 0) return undefined;
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of source.read(file.name)) {
      hash.update(chunk);
      size += chunk.length;
    }
    const sha256 = hash.digest('hex');
    return candidates.find((candidate) => candidate.sha256 === sha256 && candidate.size === size)?.id;
  }

  /**
   * Streams the file through the splitter into the database: one transaction, never the whole file in memory.
   * A file that holds no HL7 at all (no MSH segment) is recorded by name, size, hash and reason, never its
   * content, and stays at the source: it is someone else's file, not a hospital's message.
   */
  private async store(
    run: RunRecord,
    source: SiuSource,
    file: SourceFile,
  ): Promise<string | { rejected: string }> {
    const fileId = randomUUID();
    const target = { hospitalId: run.hospitalId, runId: run.id, fileId };
    const hash = createHash('sha256');
    let size = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of source.read(file.name)) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    }
    return this.dataSource.transaction(async (manager) => {
      await this.files.insertFile(manager, {
        id: fileId,
        hospitalId: run.hospitalId,
        runId: run.id,
        name: file.name,
        size: file.size,
      });
      // A batch's INSERT runs while the next batch is split: the file is stored in about the longer of the
      // two times rather than their sum (issue 17, P2). Statements still go one at a time, in file order, and
      // at most two batches are held.
      let inserting: Promise<void> = Promise.resolve();
      const insert = async (messages: SplitMessage[]): Promise<void> => {
        await inserting;
        inserting = this.files.insertMessages(manager, target, messages);
        inserting.catch(() => undefined); // awaited before the next one or at the file's end
      };
      let batch: SplitMessage[] = [];
      let batchBytes = 0;
      let count = 0;
      // Text before the first MSH is held back until a message follows: alone, it is not HL7.
      let leading: SplitMessage | undefined;
      for await (const item of splitHl7Batch(counted())) {
        const split: SplitMessage = {
          id: randomUUID(),
          position: item.index,
          ...readMessageHeader(item.raw),
          raw: item.raw,
        };
        if (count === 0 && !leading && !isHl7Message(item.raw)) {
          leading = split;
          continue;
        }
        if (leading) {
          batch.push(leading);
          batchBytes += leading.raw.length;
          count += 1;
          leading = undefined;
        }
        batch.push(split);
        batchBytes += item.raw.length;
        count += 1;
        if (batch.length >= INSERT_MESSAGES || batchBytes >= INSERT_BYTES) {
          await insert(batch);
          batch = [];
          batchBytes = 0;
        }
      }
      await insert(batch);
      await inserting;
      // A source that went away mid-download may end the stream early; a file still being written grows.
      if (size !== file.size) {
        throw new Error(
          `the file changed or the download ended early (${size} of ${file.size} bytes read); it stays at the source`,
        );
      }
      const sha256 = hash.digest('hex');
      if (leading) {
        await this.files.rejectFile(manager, target, { sha256, size });
        return {
          rejected: `the file holds no HL7 message (${size} bytes, sha256 ${sha256}); it stays at the source`,
        };
      }
      await this.files.completeFile(manager, target, { sha256, size, messages: count });
      return fileId;
    });
  }

  /** Archive or delete, once every message of the file is committed. */
  private async release(run: RunRecord, source: SiuSource, name: string, fileId: string): Promise<void> {
    try {
      if (run.settings.afterProcessing === 'delete') {
        await source.remove(name);
        await this.files.markGone(run.hospitalId, fileId, { status: 'deleted' });
      } else {
        const archivedAs = await source.archive(name, { uniqueSuffix: fileId.slice(0, 8) });
        await this.files.markGone(run.hospitalId, fileId, { status: 'archived', archivedAs });
      }
    } catch (cause) {
      throw new Error(
        `${run.settings.afterProcessing === 'delete' ? 'delete' : 'archive'} failed, the file stays at the source ` +
          `(its messages are stored; the next run only retries this): ${describeSourceError(cause)}`,
      );
    }
  }
}

/**
 * A third of the stale limit (at most MAX_HEARTBEAT_MS): a run is declared interrupted only after three
 * missed heartbeats, so a healthy run on a slow machine is never taken for a dead one. A fixed 5 s was
 * longer than a short SIU_RUN_STALE_MS (R1 sets 3 s): every run fetching for longer was declared
 * interrupted while it was still storing its file.
 */
export function heartbeatIntervalMs(staleMs: number): number {
  return Math.min(MAX_HEARTBEAT_MS, Math.max(1, Math.floor(staleMs / 3)));
}

/** A message split from a file starts with its MSH segment; anything else is text before the first one. */
function isHl7Message(raw: Buffer): boolean {
  return raw.subarray(0, 3).toString('latin1') === 'MSH';
}
