/**
 * What a connection per query costs (issue 17; an HL7 connection's `keepOpenMs`): the same A19 query and reply,
 * 16 exchanges at a time, each on a new connection (`sendMllp`, the default) and on kept connections
 * (`MllpKeptConnections`), over plain TCP and over TLS, against a peer in a child process that answers every
 * frame at once. Prints the CPU per exchange on each side (the platform's and the hospital's) and the exchanges
 * per second; the ratio is per-query CPU over kept CPU, on the platform's side. Nothing else runs: this is the
 * connection's own price, which the pull-import benchmark (P3) carries inside a lookup.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { buildQuery, MllpKeptConnections, MllpServer, sendMllp, type SendMllpOptions } from '@bridge/hl7';
import { cpuMsOf } from '@bridge/testing';
import { selfSignedCertificate } from '../libs/hl7/src/mllp/mllp-test.helpers';

const EXCHANGES = Number(process.env.BENCH_MLLP_EXCHANGES ?? 4000);
const CONCURRENCY = 16;
const ROUNDS = 3;
const REPLY =
  'MSH|^~\\&|HIS|AZDEMO|CAREFLOW|BRIDGE|20240315103000||ADR^A19|R1|P|2.4\rMSA|AA|B1\rQAK|B1|OK\r' +
  'PID|1||100234^^^AZDEMO^MR||Dubois^Françoise||19610203|F\r';

interface PeerPorts {
  plain: number;
  tls: number;
}

/** The hospital's side: answers every frame at once, reports its CPU when asked. */
async function runPeer(certificate: { key: string; cert: string }): Promise<void> {
  const onMessage = () => REPLY;
  const plain = new MllpServer({ host: '127.0.0.1', port: 0, onMessage, maxConnections: 1000 });
  const secure = new MllpServer({
    host: '127.0.0.1',
    port: 0,
    onMessage,
    maxConnections: 1000,
    tls: certificate,
  });
  const ports: PeerPorts = { plain: await plain.listen(), tls: await secure.listen() };
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message === 'stop') void Promise.all([plain.close(), secure.close()]).then(() => process.exit(0));
  });
  process.send?.({ ports });
}

/** The child's next message carrying `key`, after sending it `message` when given. */
function reply<T>(child: ChildProcess, key: string, message?: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (received: Record<string, unknown>) => {
      if (!(key in received)) return;
      child.off('message', listener);
      resolve(received[key] as T);
    };
    child.on('message', listener);
    if (message) child.send(message);
  });
}

interface Measured {
  platformUs: number;
  hospitalUs: number;
  perSecond: number;
}

async function measure(peer: ChildProcess, exchange: () => Promise<unknown>): Promise<Measured> {
  for (let i = 0; i < EXCHANGES / 10; i++) await exchange();
  const peerBefore = await reply<NodeJS.CpuUsage>(peer, 'cpu', 'cpu');
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < EXCHANGES / CONCURRENCY; i++) await exchange();
    }),
  );
  const elapsedMs = performance.now() - started;
  const platformMs = cpuMsOf(process.cpuUsage(before));
  const peerAfter = await reply<NodeJS.CpuUsage>(peer, 'cpu', 'cpu');
  return {
    platformUs: (platformMs * 1000) / EXCHANGES,
    hospitalUs: ((cpuMsOf(peerAfter) - cpuMsOf(peerBefore)) * 1000) / EXCHANGES,
    perSecond: (EXCHANGES * 1000) / elapsedMs,
  };
}

/** The best of ROUNDS (the least disturbed by the rest of a shared machine), by the platform's CPU. */
async function best(peer: ChildProcess, exchange: () => Promise<unknown>): Promise<Measured> {
  let found: Measured | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const measured = await measure(peer, exchange);
    if (!found || measured.platformUs < found.platformUs) found = measured;
  }
  return found as Measured;
}

function summary(measured: Measured): string {
  return (
    `${measured.platformUs.toFixed(0)} µs cpu/exchange (hospital side ${measured.hospitalUs.toFixed(0)} µs), ` +
    `${measured.perSecond.toFixed(0)} exchanges/s`
  );
}

// The forked child runs this file as its main module, with `peer` as its argument.
if (process.argv[2] === 'peer') void runPeer(JSON.parse(process.env.BENCH_MLLP_CERTIFICATE ?? '{}'));

export async function main(): Promise<void> {
  const certificate = selfSignedCertificate();
  const peer = fork(__filename, ['peer'], {
    env: { ...process.env, BENCH_MLLP_CERTIFICATE: JSON.stringify(certificate) },
  });
  try {
    const ports = await reply<PeerPorts>(peer, 'ports');
    const kept = new MllpKeptConnections();
    let sequence = 0;
    const query = () =>
      buildQuery(
        { queryStyle: 'QRY_A19', version: '2.4' },
        { by: 'patientCode', value: '100234', controlId: `B${++sequence}`, at: new Date() },
      );
    for (const [name, send] of [
      ['plain TCP', { host: '127.0.0.1', port: ports.plain, timeoutMs: 5000 }],
      ['TLS', { host: '127.0.0.1', port: ports.tls, timeoutMs: 5000, tls: { ca: certificate.cert } }],
    ] as [string, SendMllpOptions][]) {
      const perQuery = await best(peer, () => sendMllp(query(), send));
      const target = { peer: name, version: '1', send, keepOpenMs: 60_000 };
      const keptOpen = await best(peer, () =>
        kept.exchange(target, query(), (reply) => ({ value: reply, answered: true })),
      );
      process.stdout.write(
        `MLLP ${name}, ${CONCURRENCY} at a time: a connection per query ${summary(perQuery)}; ` +
          `kept open ${summary(keptOpen)}; ratio ${(perQuery.platformUs / keptOpen.platformUs).toFixed(1)}x ` +
          `in cpu per exchange\n`,
      );
    }
    await kept.close();
  } finally {
    peer.send('stop');
  }
}
