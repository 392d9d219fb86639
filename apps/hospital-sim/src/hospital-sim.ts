import * as net from 'node:net';
import type { Hl7Charset } from '@bridge/hl7';
import { SIM_DATASET, type SimPatient } from './dataset';
import { MllpResponder } from './mllp-responder';
import { DEFAULT_SLOW_MS } from './sim-faults';
import { SimWaits } from './sim-waits';
import { startSimSftp, type SimSftp } from './sftp/sim-sftp';
import { SimWebService, type SimAuth, type SimHttpRequest } from './web-service';

export type { SimAuth, SimHttpRequest } from './web-service';
export type { SimSftp, SimSftpFaults } from './sftp/sim-sftp';

export interface HospitalSim {
  /** A19 / Q22 responder; `connections()` counts its connections (accepted since start, open now). */
  readonly mllp: {
    readonly host: string;
    readonly port: number;
    connections(): { accepted: number; open: number };
  };
  /** pdq at `${baseUrl}/pdq/Patient`, FHIR R4 at `${baseUrl}/fhir/Patient`. */
  readonly http: { readonly baseUrl: string };
  /** A TCP port on 127.0.0.1 with nothing listening (connection refused), for refuse tests. */
  readonly refusedPort: number;
  /** The patients it serves. */
  readonly dataset: readonly SimPatient[];
  /** Requests seen by the web service (method, url, headers): lets tests check auth and X-Destination. */
  readonly httpRequests: SimHttpRequest[];
  /** The scheduling system's SFTP drop box; present only when options.sftp was given. */
  readonly sftp?: SimSftp;
  close(): Promise<void>;
}

export interface HospitalSimOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (chosen by the OS). */
  readonly mllpPort?: number;
  readonly httpPort?: number;
  /** Charset of MLLP replies (and fallback for queries without MSH-18). Default utf-8. */
  readonly charset?: Hl7Charset;
  /** Declare the charset in MSH-18 of replies. Default true; false tests the connection's fallback. */
  readonly declareCharset?: boolean;
  /** SIM-HANG drops the connection after this long; default: it hangs until close(). */
  readonly hangMs?: number;
  /** SIM-SLOW answers after this long; default 1500 ms. */
  readonly slowMs?: number;
  /** Serve MLLP over TLS with this key and certificate (PEM): a test brings an expired or wrong-name one. */
  readonly mllpTls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** The patients served; default SIM_DATASET (a test may bring its own distinctive ones, e.g. R7). */
  readonly dataset?: readonly SimPatient[];
  /** Web requests without these credentials get 401 (they are still recorded). */
  readonly requireAuth?: SimAuth;
  /** Serve this directory over SFTP (see README.md): port default 0, user default 'agenda', password default random. */
  readonly sftp?: {
    readonly root: string;
    readonly port?: number;
    readonly username?: string;
    readonly password?: string;
    /** OpenSSH public key line; optional. */
    readonly authorizedPublicKey?: string;
  };
}

/** A port nothing listens on: bind one on loopback, then free it. */
async function findRefusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the simulated hospital: MLLP responder and web service over one dataset, and SFTP when asked. */
export async function startHospitalSim(options: HospitalSimOptions = {}): Promise<HospitalSim> {
  const host = options.host ?? '127.0.0.1';
  const waits = new SimWaits();
  const httpRequests: SimHttpRequest[] = [];
  const dataset = options.dataset ?? SIM_DATASET;
  const slowMs = options.slowMs ?? DEFAULT_SLOW_MS;

  const responder = new MllpResponder({
    host,
    port: options.mllpPort ?? 0,
    dataset,
    charset: options.charset ?? 'utf-8',
    declareCharset: options.declareCharset ?? true,
    hangMs: options.hangMs,
    slowMs,
    waits,
    tls: options.mllpTls,
  });
  const web = new SimWebService({
    host,
    port: options.httpPort ?? 0,
    dataset,
    hangMs: options.hangMs,
    slowMs,
    waits,
    requireAuth: options.requireAuth,
    requests: httpRequests,
  });

  let sftp: SimSftp | undefined;

  const close = async (): Promise<void> => {
    waits.cancelAll();
    await Promise.all([responder.close(), web.close(), sftp?.close()]);
  };
  try {
    const mllpPort = await responder.listen();
    const httpPort = await web.listen();
    const refusedPort = await findRefusedPort();
    if (options.sftp) sftp = await startSimSftp({ host, ...options.sftp });
    // A wildcard bind is reached on loopback; an IPv6 literal needs brackets in a URL only.
    const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
    return {
      mllp: { host: reachable, port: mllpPort, connections: () => responder.connections() },
      http: { baseUrl: `http://${urlHost}:${httpPort}` },
      refusedPort,
      dataset,
      httpRequests,
      ...(sftp ? { sftp } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
