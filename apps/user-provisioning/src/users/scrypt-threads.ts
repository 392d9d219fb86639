import { Worker } from 'node:worker_threads';
import type { ScryptOptions } from 'node:crypto';

/**
 * Niceness of the hashing threads. At 10 a hash gets about a tenth of a core that normal-priority work
 * wants too (CFS weights 110 vs 1024): a flood of wrong passwords from rotating addresses (which no
 * per-source limit stops) slows sign-ins, not the rest of the platform (R11), while a sign-in on a
 * saturated machine still takes seconds, not minutes (19 starved them past the 5 s queue limit under a
 * busy test machine's load). On an idle machine it costs nothing.
 */
export const HASHING_NICE = 10;

/**
 * scrypt on threads of our own that run at a lower CPU priority (HASHING_NICE) instead of libuv's shared
 * pool, which every other task of the process shares at normal priority.
 *
 * Linux niceness is per thread, so each worker lowers its own thread (named by /proc/thread-self);
 * elsewhere that step is skipped and the threads run at normal priority. The source is inline so the
 * same code runs compiled and under ts-jest.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const { readlinkSync } = require('node:fs');
const { getPriority, setPriority } = require('node:os');
let threadId;
try {
  threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(threadId, ${HASHING_NICE});
} catch {
  threadId = undefined;
}
parentPort.on('message', (task) => {
  if (task.kind === 'priority') {
    parentPort.postMessage({ id: task.id, priority: threadId === undefined ? null : getPriority(threadId) });
    return;
  }
  try {
    const key = scryptSync(task.password, task.salt, task.keylen, task.options);
    parentPort.postMessage({ id: task.id, key });
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Reply {
  id: number;
  key?: Uint8Array;
  priority?: number | null;
  error?: string;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** A worker thread and the tasks it owes answers for. Unref'd: it never keeps the process alive. */
class ScryptThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private worker?: Worker;

  get load(): number {
    return this.pending.size;
  }

  ask(task: Record<string, unknown>): Promise<Reply> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...task, id });
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      pending?.resolve(reply);
    });
    // A thread that dies fails what it owed; the next task starts a new one.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the scrypt thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** As many threads as the caller runs derivations at once; each task goes to the least busy one. */
export class ScryptThreads {
  private readonly threads: ScryptThread[];

  constructor(size: number) {
    this.threads = Array.from({ length: Math.max(1, size) }, () => new ScryptThread());
  }

  async derive(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
    const reply = await this.leastBusy().ask({ kind: 'scrypt', password, salt, keylen, options });
    if (reply.error !== undefined || !reply.key) throw new Error(reply.error ?? 'scrypt returned no key');
    return Buffer.from(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength);
  }

  /** The niceness of the thread the next task would run on (null where threads cannot be named): tests. */
  async priority(): Promise<number | null> {
    const reply = await this.leastBusy().ask({ kind: 'priority' });
    return reply.priority ?? null;
  }

  private leastBusy(): ScryptThread {
    return this.threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  }
}
