import { Controller, Injectable } from '@nestjs/common';
import { SelfTestRecorder, probeTcp, type StepOutcome } from '@bridge/config';
import type { ConnectionTestResultV1, SiuListenerV1, TestConnectionRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { SiuListeners } from './siu-listeners';

const ACCEPT_TIMEOUT_MS = 3000;

/**
 * The real-time SIU listener's steps of the SIU self-test (PRODUCT.md "Connection self-test"), run where the
 * listener runs: bound on this instance, accepting a connection, who may connect, its TLS certificate. The
 * probe connection sends nothing: no message is journaled or applied.
 */
@Injectable()
export class SiuListenerSelfTest {
  constructor(private readonly listeners: SiuListeners) {}

  async test(hospitalId: string, now = new Date()): Promise<ConnectionTestResultV1> {
    const test = new SelfTestRecorder();
    const { wanted, listening, failure, host } = await this.listeners.describe(hospitalId);
    const listener = await test.step('MLLP listener', async (): Promise<StepOutcome<SiuListenerV1>> => {
      if (!wanted)
        return {
          ok: false,
          detail:
            'hl7-gateway has not received this listener yet: its change is on the way (test again in a few seconds) or stopped in the dead-letter queue hl7-gateway.siu-listeners.dlq.',
        };
      if (failure)
        return { ok: false, detail: `Port ${wanted.port} could not be opened on ${host}: ${failure}.` };
      if (!listening)
        return {
          ok: false,
          detail: `hl7-gateway is (re)starting the listener on port ${wanted.port}; test again in a few seconds.`,
        };
      return { ok: true, detail: `Listening on ${host}:${wanted.port}.`, value: wanted };
    });
    if (!listener) return test.result();
    await test.step('Listener accepts connections', async () => {
      const address = reachableAddress(host);
      const outcome = await probeTcp(address, listener.port, ACCEPT_TIMEOUT_MS);
      return outcome.ok
        ? {
            ok: true,
            detail: `Connected to ${address.address}:${listener.port} from this host (nothing was sent). The hospital reaches it through the address and firewall rules of this host.`,
          }
        : outcome;
    });
    test.skip('Who may connect', whoMayConnect(listener));
    if (listener.tls) await test.step('Listener TLS', async () => tlsVerdict(listener.tls!, now));
    else
      test.skip(
        'Listener TLS',
        'Plain MLLP, no TLS: use it only on the hospital network or a VPN, or give the listener a certificate.',
      );
    return test.result();
  }
}

@Controller()
export class SiuListenerSelfTestHandler {
  constructor(private readonly selfTest: SiuListenerSelfTest) {}

  @MessagePattern('hl7.siu-listener.test.v1')
  test(@Payload() request: TestConnectionRequestV1): Promise<ConnectionTestResultV1> {
    return this.selfTest.test(request.hospitalId);
  }
}

/** A listener bound to every interface is reached here over loopback. */
function reachableAddress(host: string): { address: string; family: 4 | 6 } {
  if (host === '0.0.0.0' || host === '') return { address: '127.0.0.1', family: 4 };
  if (host === '::') return { address: '::1', family: 6 };
  return { address: host, family: isIP(host) === 6 ? 6 : 4 };
}

function whoMayConnect(listener: SiuListenerV1): string {
  return listener.allowedSources?.length
    ? `Only ${listener.allowedSources.join(', ')} may connect; any other address is refused at connect.`
    : 'Any address may connect (no allowedSources): name the hospital interface engine in allowedSources.';
}

function tlsVerdict(tls: NonNullable<SiuListenerV1['tls']>, now: Date): StepOutcome<true> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(tls.cert);
  } catch {
    return { ok: false, detail: 'The listener certificate is not a readable PEM certificate.' };
  }
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  const about = `Certificate subject ${oneLine(certificate.subject)}, issuer ${oneLine(certificate.issuer)}, valid until ${validTo.toISOString()}`;
  const clients = tls.requireClientCert
    ? 'clients must present a certificate signed by the configured CA'
    : 'clients need no certificate of their own';
  if (validTo.getTime() < now.getTime())
    return {
      ok: false,
      detail: `The listener certificate expired on ${validTo.toISOString()}: the hospital's TLS handshakes fail. ${about}.`,
    };
  if (validFrom.getTime() > now.getTime())
    return {
      ok: false,
      detail: `The listener certificate is valid only from ${validFrom.toISOString()}. ${about}.`,
    };
  return { ok: true, detail: `TLS; ${clients}. ${about}.`, value: true };
}

function oneLine(name: string): string {
  return name.split('\n').join(', ');
}
