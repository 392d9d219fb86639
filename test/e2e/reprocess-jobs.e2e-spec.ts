import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { KNEE_RULE, SiuDriver, dropFile, siuMessage } from './siu.fixtures';

/**
 * Bulk reprocess (PRODUCT.md "Bulk reprocess", issue 14 item 5): a job per filter, in the background, with
 * progress; each message replayed once even when two operators start it, or overlapping jobs run at once.
 */
describe('bulk reprocess (POST /v1/admin/messages/reprocess)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let siu: SiuDriver;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { tenantIsolated: true });
    api = new Api(platform);
    admin = await api.adminToken();
    siu = new SiuDriver(api, admin);
  });
  afterAll(() => platform?.close());

  const start = (filter: Record<string, unknown>) =>
    api.request('POST', '/v1/admin/messages/reprocess', { token: admin, body: { filter } });
  const job = (jobId: string) => api.expect(200, 'GET', `/v1/admin/jobs/${jobId}`, { token: admin });

  it('replays each failed message once, whoever starts it, and reports progress up to the total', async () => {
    const hospital = await siu.hospital('bulk-reprocess', {
      careFlowMap: [{ field: 'AIS-3.1', value: 'EYE', careFlowDefinitionKey: 'cataract' }, KNEE_RULE],
    });
    const eyes = ['P1', 'P2', 'P3', 'P4', 'P5'];
    dropFile(
      hospital.dir,
      'day.hl7',
      eyes
        .map((code, i) =>
          siuMessage({ event: 'S12', controlId: `EYE${i}`, patientCode: code, service: 'EYE' }),
        )
        .join('') + siuMessage({ event: 'S12', controlId: 'KNEE1', patientCode: 'K1' }),
    );
    expect(await siu.run(hospital.id)).toMatchObject({ messagesProcessed: 1, messagesFailed: 5 });
    // The cause is fixed; now every failed message can go through.
    await api.expect(201, 'POST', `/v1/admin/hospitals/${hospital.id}/care-flow-definitions`, {
      token: admin,
      body: { key: 'cataract', title: 'Cataract', baseline: [] },
    });

    // Two operators start the same filter at once, a third an overlapping one.
    const same = { hospitalId: hospital.id, channel: 'siu-file' };
    const [first, second, overlapping] = await Promise.all([
      start(same),
      start(same),
      start({ hospitalId: hospital.id, type: 'SIU^S12' }),
    ]);
    for (const response of [first, second, overlapping]) expect(response.status).toBe(202);
    // The second start joins the running job; only when the first had already finished (it may, in
    // milliseconds) does it get a job of its own, which then finds nothing failed left to replay.
    const jobIds = [
      ...new Set([first, second, overlapping].map((response) => response.body.jobId as string)),
    ];
    const finished = await expectEventually(
      async () => {
        const jobs = await Promise.all(jobIds.map(job));
        for (const each of jobs) {
          expect(each.state).toBe('done');
          expect(each.done + each.failed).toBe(each.total);
        }
        return jobs;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    if (second.body.jobId !== first.body.jobId) {
      expect(finished[jobIds.indexOf(second.body.jobId)]).toMatchObject({ total: 0 });
    }
    // Across all jobs every message was replayed exactly once; an overlapping job found it already replayed.
    expect(finished.reduce((sum, each) => sum + each.done, 0)).toBe(5);
    await expectEventually(
      async () => {
        for (const code of eyes) {
          expect((await siu.patient(hospital, code))?.careFlows).toMatchObject([
            { definitionKey: 'cataract', status: 'active' },
          ]);
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const log = (
      await api.expect(200, 'GET', `/v1/admin/messages?hospitalId=${hospital.id}&status=failed`, {
        token: admin,
      })
    ).messages;
    expect(log).toEqual([]);

    // Nothing failed any more: a new job matches nothing and is done at once.
    const again = await start(same);
    expect(again.status).toBe(202);
    expect(again.body.jobId).not.toBe(first.body.jobId);
    await expect(job(again.body.jobId)).resolves.toMatchObject({
      state: 'done',
      total: 0,
      done: 0,
      failed: 0,
    });

    const trail = await api.expect(
      200,
      'GET',
      `/v1/admin/hospitals/${hospital.id}/audit-events?action=reprocess-job.started`,
      {
        token: admin,
      },
    );
    expect(trail.events.map((event: { resource: { id: string } }) => event.resource.id).sort()).toEqual(
      [first.body.jobId, second.body.jobId, overlapping.body.jobId, again.body.jobId].sort(),
    );
  });

  it('refuses filters that could replay nothing, and unknown jobs', async () => {
    const hospital = await api.createHospital('bulk-reprocess-refusals');
    const a19 = await start({ hospitalId: hospital.id, channel: 'a19' });
    expect(a19.status).toBe(422);
    expect(a19.body.code).toBe('REPROCESS_FILTER_INVALID');
    expect((await start({ hospitalId: hospital.id, status: 'processed' })).body.code).toBe(
      'REPROCESS_FILTER_INVALID',
    );
    expect((await start({ channel: 'siu-file' })).status).toBe(400);
    expect((await start({ hospitalId: hospital.id, from: 'yesterday' })).status).toBe(400);
    expect(
      (await api.request('GET', '/v1/admin/jobs/00000000-0000-4000-8000-000000000000', { token: admin }))
        .status,
    ).toBe(404);
    expect(
      (
        await api.request('POST', '/v1/admin/messages/reprocess', {
          token: hospital.token,
          body: { filter: { hospitalId: hospital.id } },
        })
      ).status,
    ).toBe(403);
  });
});
