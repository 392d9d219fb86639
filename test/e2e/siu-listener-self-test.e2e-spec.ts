import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { makeTestCertificate } from '../support/test-certificates';
import { SiuDriver } from './siu.fixtures';

interface Step {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/**
 * PRODUCT.md "Connection self-test" for the SIU connection's real-time MLLP listener: hl7-gateway, where the
 * listener runs, says whether it is bound, accepts a connection, who may connect and how its TLS stands.
 */
describe('SIU connection self-test: the MLLP listener', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let siu: SiuDriver;
  let squatter: Server | undefined;

  const selfTest = (hospitalId: string): Promise<{ ok: boolean; steps: Step[] }> =>
    api.expect(200, 'POST', `/v1/admin/hospitals/${hospitalId}/connections/siu/test`, {
      token: admin,
      body: {},
    });
  const stepsOf = (result: { steps: Step[] }) => result.steps.map((step) => [step.name, step.ok]);
  const step = (result: { steps: Step[] }, name: string) => result.steps.find((s) => s.name === name)!;

  /** The self-test once hl7-gateway has had the listener's change and tried to open it. */
  /**
   * The self-test once the listener change has reached hl7-gateway and its listeners settled (a change is
   * applied asynchronously, and binding a new listener briefly restarts the set): until then steps fail that
   * will pass a moment later. Waits until exactly the steps named in `failing` fail; on timeout the last
   * result's failing steps, with their details, say why.
   */
  async function settled(
    hospitalId: string,
    failing: string[] = [],
  ): Promise<{ ok: boolean; steps: Step[] }> {
    let result: { ok: boolean; steps: Step[] } | undefined;
    await expectEventually(
      async () => {
        result = await selfTest(hospitalId);
        // Still on its way: the change not received yet, or the listener between two binds.
        expect(step(result, 'MLLP listener').detail).not.toMatch(/not received|\(re\)starting/);
        const failed = result.steps.filter((each) => !each.ok);
        expect(failed.map((each) => (failing.includes(each.name) ? each.name : each))).toEqual(failing);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    return result!;
  }

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    siu = new SiuDriver(api, admin);
  });
  afterAll(async () => {
    await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
    await platform?.close();
  });

  it('walks a bound listener: accepting, only the allowed sources, its TLS certificate', async () => {
    const certificate = makeTestCertificate({
      commonName: 'siu.bridge.example',
      altNames: ['DNS:siu.bridge.example'],
      notBefore: '20200101000000Z',
      notAfter: '20991231000000Z',
    });
    const port = await freePort();
    const hospital = await siu.hospital('listener-test-ok', {
      mllpListener: { port, allowedSources: ['10.20.0.0/16', '192.0.2.7'], tls: certificate },
    });
    const result = await settled(hospital.id);
    expect(stepsOf(result)).toEqual([
      ['Directory', true],
      ['Listing', true],
      ['Archive write permission', true],
      ['MLLP listener', true],
      ['Listener accepts connections', true],
      ['Who may connect', true],
      ['Listener TLS', true],
    ]);
    expect(result.ok).toBe(true);
    expect(step(result, 'MLLP listener').detail).toMatch(new RegExp(`Listening on .+:${port}\\.`));
    expect(step(result, 'Listener accepts connections').detail).toMatch(/nothing was sent/);
    expect(step(result, 'Who may connect').detail).toBe(
      'Only 10.20.0.0/16, 192.0.2.7 may connect; any other address is refused at connect.',
    );
    expect(step(result, 'Listener TLS').detail).toMatch(
      /^TLS; clients need no certificate of their own\. Certificate subject CN=siu\.bridge\.example, .*valid until 2099-12-31/,
    );
    for (const each of result.steps) expect(each.ms).toBeGreaterThanOrEqual(0);
    // The probe sent nothing: no message in the log.
    const log = await api.expect(
      200,
      'GET',
      `/v1/admin/messages?hospitalId=${hospital.id}&channel=siu-mllp`,
      {
        token: admin,
      },
    );
    expect(log.messages).toEqual([]);
  });

  it('says when anyone may connect over plain MLLP', async () => {
    const hospital = await siu.hospital('listener-test-plain', { mllpListener: { port: await freePort() } });
    const result = await settled(hospital.id);
    expect(result.ok).toBe(true);
    expect(step(result, 'Who may connect').detail).toMatch(/^Any address may connect \(no allowedSources\)/);
    expect(step(result, 'Listener TLS').detail).toMatch(/^Plain MLLP, no TLS/);
  });

  it('explains an expired listener certificate', async () => {
    const expired = makeTestCertificate({
      commonName: 'siu.bridge.example',
      altNames: ['DNS:siu.bridge.example'],
      notBefore: '20200101000000Z',
      notAfter: '20210101000000Z',
    });
    const hospital = await siu.hospital('listener-test-expired', {
      mllpListener: { port: await freePort(), tls: expired },
    });
    const result = await settled(hospital.id, ['Listener TLS']);
    expect(result.ok).toBe(false);
    expect(step(result, 'Listener TLS').detail).toMatch(
      /^The listener certificate expired on 2021-01-01T00:00:00\.000Z: the hospital's TLS handshakes fail\./,
    );
  });

  it('explains a port that another program holds, and stops there', async () => {
    const port = await freePort();
    squatter = createServer();
    await new Promise<void>((resolve) => squatter!.listen(port, '127.0.0.1', resolve));
    const hospital = await siu.hospital('listener-test-taken', { mllpListener: { port } });
    const result = await settled(hospital.id, ['MLLP listener']);
    expect(result.ok).toBe(false);
    expect(stepsOf(result).slice(3)).toEqual([['MLLP listener', false]]);
    expect(step(result, 'MLLP listener').detail).toBe(
      `Port ${port} could not be opened on 127.0.0.1: another program on this host already uses the port.`,
    );
  });

  it('reports the source and the listener independently: a missing folder still tests the listener', async () => {
    const hospital = await siu.hospital('listener-test-nofolder', {
      mllpListener: { port: await freePort() },
    });
    rmSync(hospital.dir, { recursive: true });
    const result = await settled(hospital.id, ['Directory']);
    expect(stepsOf(result)).toEqual([
      ['Directory', false],
      ['MLLP listener', true],
      ['Listener accepts connections', true],
      ['Who may connect', true],
      ['Listener TLS', true],
    ]);
  });
});
