import * as net from 'node:net';
import * as tls from 'node:tls';
import { DestinationRefusedError, type CheckedAddress, type DestinationPolicy } from './destination-policy';

/** One checked step of a connection self-test (the shape of ConnectionTestStepV1 in libs/contracts). */
export interface ProbeStep {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/** What a step found: passed or not, in words, and a value for the next step. */
export interface StepOutcome<T> {
  ok: boolean;
  detail: string;
  value?: T;
  /** The step's own duration when it was measured inside one larger call (e.g. host key, then login). */
  ms?: number;
}

/**
 * Records the steps of a self-test in order, each timed. A step that fails ends the test: the steps
 * after it depend on it (no TLS without TCP), so the checklist stops where the connection stops.
 */
export class SelfTestRecorder {
  private readonly recorded: ProbeStep[] = [];

  get steps(): ProbeStep[] {
    return [...this.recorded];
  }

  get ok(): boolean {
    return this.recorded.length > 0 && this.recorded.every((step) => step.ok);
  }

  /** Runs one step; answers its value when it passed, undefined when it failed (or threw). */
  async step<T>(name: string, run: () => Promise<StepOutcome<T>>): Promise<T | undefined> {
    const started = performance.now();
    let outcome: StepOutcome<T>;
    try {
      outcome = await run();
    } catch (error) {
      outcome = { ok: false, detail: `Unexpected failure: ${(error as Error).message}` };
    }
    const ms = outcome.ms ?? performance.now() - started;
    this.recorded.push({ name, ok: outcome.ok, ms: Math.round(ms), detail: outcome.detail });
    return outcome.ok ? outcome.value : undefined;
  }

  /** Steps another service ran (its part of this test), in its order. */
  adopt(steps: ProbeStep[]): void {
    this.recorded.push(...steps);
  }

  /** A step that was not run, with the reason (e.g. "TLS is not enabled for this connection"). */
  skip(name: string, detail: string): void {
    this.recorded.push({ name, ok: true, ms: 0, detail });
  }

  result(): { ok: boolean; steps: ProbeStep[] } {
    return { ok: this.ok, steps: this.steps };
  }
}

/**
 * Name resolution under the destination policy, exactly as a real exchange does it (DestinationPolicy
 * .resolve): the address it answers is the one the later steps connect to.
 */
export async function probeName(
  policy: DestinationPolicy,
  host: string,
  port: number,
): Promise<StepOutcome<CheckedAddress>> {
  try {
    const checked = await policy.resolve(host, port);
    const literal = net.isIP(host.replace(/^\[|\]$/g, '')) !== 0;
    return {
      ok: true,
      detail: literal
        ? `${host} is an address; no lookup needed.`
        : `${host} resolves to ${checked.address}.`,
      value: checked,
    };
  } catch (error) {
    if (error instanceof DestinationRefusedError) {
      return {
        ok: false,
        detail: `Refused by the platform's destination policy: ${error.reason}. Nothing was sent.`,
      };
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      return {
        ok: false,
        detail: `The name ${host} does not exist in DNS (${code}). Check the host name, or the hospital's DNS and VPN.`,
      };
    }
    return {
      ok: false,
      detail: `The name ${host} could not be resolved (${code}). The DNS server may be unreachable.`,
    };
  }
}

/** A TCP connection to the checked address, closed at once. */
export function probeTcp(
  checked: CheckedAddress,
  port: number,
  timeoutMs: number,
): Promise<StepOutcome<void>> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: checked.address, port });
    const done = (outcome: StepOutcome<void>): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        done({
          ok: false,
          detail: `No answer from ${checked.address}:${port} within ${timeoutMs} ms: the host is down, or a firewall drops the traffic.`,
        }),
      timeoutMs,
    );
    socket.once('connect', () => done({ ok: true, detail: `Connected to ${checked.address}:${port}.` }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, detail: explainConnectError(error, checked.address, port) }),
    );
  });
}

export function explainConnectError(error: NodeJS.ErrnoException, address: string, port: number): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `Connection refused by ${address}:${port}: nothing listens on that port, or a firewall rejects it.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${address} cannot be reached (${error.code}): no route to the hospital's network (VPN down?).`;
    case 'ETIMEDOUT':
      return `No answer from ${address}:${port} (ETIMEDOUT): the host is down, or a firewall drops the traffic.`;
    default:
      return `Cannot connect to ${address}:${port} (${error.code ?? error.message}).`;
  }
}

/**
 * Opens a TLS session only to read the server's certificate and judge it as the real client will
 * (trusted by the system CAs, valid today, issued for the configured name). The session carries no
 * data and is closed at once; that is why it may accept an untrusted certificate: so the admin hears
 * *why* the real exchange would refuse it (expired, another name, unknown issuer).
 */
export function probeTls(
  checked: CheckedAddress,
  host: string,
  port: number,
  timeoutMs: number,
  now: Date = new Date(),
): Promise<StepOutcome<void>> {
  const name = host.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: checked.address,
      port,
      servername: net.isIP(name) ? undefined : name,
      rejectUnauthorized: false,
    });
    const done = (outcome: StepOutcome<void>): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        done({
          ok: false,
          detail: `The TLS handshake did not finish within ${timeoutMs} ms: the server may not speak TLS on this port.`,
        }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      done(judgeCertificate(certificate, name, socket.authorizationError, now));
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({
        ok: false,
        detail: `The TLS handshake with ${checked.address}:${port} failed (${error.code ?? error.message}): the server may not speak TLS on this port, or only an outdated protocol.`,
      }),
    );
  });
}

/** The verdict on a server certificate, first failure first: expired, not yet valid, another name, untrusted. */
export function judgeCertificate(
  certificate: tls.PeerCertificate,
  host: string,
  authorizationError: Error | undefined,
  now: Date,
): StepOutcome<void> {
  if (!certificate || Object.keys(certificate).length === 0) {
    return { ok: false, detail: 'The server sent no certificate.' };
  }
  const subject = distinguishedName(certificate.subject);
  const issuer = distinguishedName(certificate.issuer);
  const validTo = new Date(certificate.valid_to);
  const validFrom = new Date(certificate.valid_from);
  const about = `Certificate subject ${subject}, issuer ${issuer}, valid until ${validTo.toISOString()}.`;
  if (validTo.getTime() < now.getTime()) {
    return {
      ok: false,
      detail: `The server's TLS certificate expired on ${validTo.toISOString()}. ${about}`,
    };
  }
  if (validFrom.getTime() > now.getTime()) {
    return {
      ok: false,
      detail: `The server's TLS certificate is not valid before ${validFrom.toISOString()}. ${about}`,
    };
  }
  const identityError = tls.checkServerIdentity(host, certificate);
  if (identityError) {
    const commonName = certificate.subject?.CN;
    const names =
      certificate.subjectaltname ??
      `CN=${Array.isArray(commonName) ? commonName.join('+') : (commonName ?? '?')}`;
    return {
      ok: false,
      detail: `The server's TLS certificate is for another name (${names}), not ${host}. ${about}`,
    };
  }
  if (authorizationError) {
    const code = (authorizationError as NodeJS.ErrnoException).code ?? authorizationError.message;
    return {
      ok: false,
      detail: `The server's TLS certificate is not signed by an authority this platform trusts (${code}). ${about}`,
    };
  }
  return { ok: true, detail: about };
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (!name) return '?';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}
