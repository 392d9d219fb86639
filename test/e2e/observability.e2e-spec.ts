// The simulator is a test peer on real sockets, not a service's internals: tests may start it directly.
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';
import { startHospitalSim, type HospitalSim } from '../../apps/hospital-sim/src/hospital-sim';
import { SIM_FAULTS } from '../../apps/hospital-sim/src/sim-faults';
import { freePort } from '@bridge/database';
import { expectEventually } from '@bridge/testing';
import { Api } from '../support/api';
import {
  parsePrometheus,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../support/otlp-receiver';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { dropFile, siuMessage, SiuDriver } from './siu.fixtures';

/**
 * QUALITY.md O1: `/metrics` of every process scraped during an SIU run, pushes and pull imports shows every
 * series of PRODUCT.md "Metrics" and they move; one push is one trace across gateway, bus, patient-import
 * and PostgreSQL (exported over OTLP to a receiver of the test's own); the log lines of a request carry
 * its trace id. Embedded in `npm test`, one process per app in `test:infra`.
 */
describe('observability: metrics, traces and trace ids in logs (O1)', () => {
  let platform: TestPlatform;
  let api: Api;
  let admin: string;
  let receiver: OtlpReceiver;
  let sim: HospitalSim;
  const logLines: Record<string, unknown>[] = [];
  const scheduleDelay = process.env.OTEL_BSP_SCHEDULE_DELAY;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    sim = await startHospitalSim();
    // Spans leave in batches; a short delay keeps the suite fast (read by the SDK of every process).
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    platform = await startTestPlatform(
      { METRICS_PORT: String(await freePort()), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      { onLogLine: (line) => logLines.push(line) },
    );
    api = new Api(platform);
    admin = await api.adminToken();
  });
  afterAll(async () => {
    await platform?.close();
    await sim?.close();
    await receiver?.close();
    if (scheduleDelay === undefined) delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    else process.env.OTEL_BSP_SCHEDULE_DELAY = scheduleDelay;
  });

  async function scrapeTexts(): Promise<string[]> {
    expect(platform.metricsUrls.length).toBeGreaterThan(0);
    return Promise.all(
      platform.metricsUrls.map(async (url) => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/plain');
        return response.text();
      }),
    );
  }

  /** Sum of the samples of `name` whose labels include every pair of `labels`. */
  function total(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
    let sum = 0;
    for (const [key, value] of samples) {
      if (!key.startsWith(`${name}{`)) continue;
      if (Object.entries(labels).every(([label, wanted]) => key.includes(`${label}="${wanted}"`)))
        sum += value;
    }
    return sum;
  }

  async function hl7Hospital(key: string, settings: Record<string, unknown> = {}) {
    const hospital = await api.createHospital(key);
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/connections/hl7`, {
      token: admin,
      body: {
        host: sim.mllp.host,
        port: sim.mllp.port,
        queryStyle: 'QRY_A19',
        patientIdAuthority: 'AZDEMO',
        timeoutMs: 2000,
        ...settings,
      },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${hospital.id}/import-source`, {
      token: admin,
      body: { source: 'hl7' },
    });
    return hospital;
  }

  it('serves every series of PRODUCT.md, labelled by service, and they move with an SIU run, pushes and imports', async () => {
    const before = parsePrometheus(await scrapeTexts());
    const siu = new SiuDriver(api, admin);
    const siuHospital = await siu.hospital('obs-siu');
    dropFile(
      siuHospital.dir,
      'day.hl7',
      siuMessage({ event: 'S12', controlId: 'OBS1', patientCode: 'OBS-P1' }),
    );
    const run = await siu.run(siuHospital.id);
    expect(run).toMatchObject({ status: 'succeeded', messagesProcessed: 1 });

    for (const code of ['OBS-100', 'OBS-101', 'OBS-102']) {
      await api.expect(201, 'POST', '/v1/patients', {
        token: siuHospital.token,
        body: { patientCode: code, firstName: 'An', lastName: 'Peeters', birthDate: '1970-01-01' },
      });
    }
    const mllp = await hl7Hospital('obs-hl7');
    expect(
      (await api.request('POST', '/v1/imports', { token: mllp.token, body: { patientCode: SIM_IDS.lucas } }))
        .status,
    ).toBe(200);
    const ws = await api.createHospital('obs-ws');
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${ws.id}/connections/webservice`, {
      token: admin,
      body: { flavor: 'pdq', baseUrl: `${sim.http.baseUrl}/pdq` },
    });
    await api.expect(200, 'PUT', `/v1/admin/hospitals/${ws.id}/import-source`, {
      token: admin,
      body: { source: 'webservice' },
    });
    expect(
      (await api.request('POST', '/v1/imports', { token: ws.token, body: { patientCode: SIM_IDS.lucas } }))
        .status,
    ).toBe(200);

    let texts: string[] = [];
    let after = new Map<string, number>();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);
    await expectEventually(async () => {
      texts = await scrapeTexts();
      after = parsePrometheus(texts);
      // HTTP by route template and status, with latency.
      expect(
        moved('bridge_http_requests_total', {
          service: 'gateway',
          method: 'POST',
          route: '/v1/patients',
          status: '201',
        }),
      ).toBe(3);
      expect(
        moved('bridge_http_request_duration_seconds_count', { service: 'gateway', route: '/v1/patients' }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        moved('bridge_http_requests_total', {
          route: '/v1/admin/hospitals/:hospitalId/siu-runs/:runId',
          status: '200',
        }),
      ).toBeGreaterThan(0);
      // The bus by pattern.
      expect(
        moved('bridge_bus_messages_published_total', {
          service: 'gateway',
          kind: 'rpc',
          pattern: 'patients.upsert.v1',
        }),
      ).toBe(3);
      expect(
        moved('bridge_bus_messages_consumed_total', {
          service: 'patient-import',
          kind: 'rpc',
          pattern: 'patients.upsert.v1',
          outcome: 'ok',
        }),
      ).toBe(3);
      expect(moved('bridge_bus_messages_published_total', { kind: 'event' })).toBeGreaterThan(0);
      expect(moved('bridge_bus_messages_consumed_total', { kind: 'event', outcome: 'ok' })).toBeGreaterThan(
        0,
      );
      // SIU runs and messages by hospital and outcome.
      expect(moved('bridge_siu_runs_total', { hospital_id: siuHospital.id, outcome: 'started' })).toBe(1);
      expect(moved('bridge_siu_runs_total', { hospital_id: siuHospital.id, outcome: 'succeeded' })).toBe(1);
      expect(moved('bridge_siu_messages_total', { hospital_id: siuHospital.id, outcome: 'processed' })).toBe(
        1,
      );
      // Exchanges with hospitals by hospital, channel and outcome, with latency.
      expect(
        moved('bridge_hospital_exchanges_total', {
          service: 'hl7-gateway',
          hospital_id: mllp.id,
          channel: 'mllp',
          outcome: 'found',
        }),
      ).toBe(1);
      expect(
        moved('bridge_hospital_exchange_duration_seconds_count', { hospital_id: mllp.id, channel: 'mllp' }),
      ).toBe(1);
      expect(
        moved('bridge_hospital_exchanges_total', {
          service: 'patient-import',
          hospital_id: ws.id,
          channel: 'webservice',
          outcome: 'found',
        }),
      ).toBe(1);
      expect(
        moved('bridge_hospital_exchange_duration_seconds_count', {
          hospital_id: ws.id,
          channel: 'webservice',
        }),
      ).toBe(1);
    });
    // Outbox lag per schema, read at scrape time: present for every service that keeps an outbox.
    for (const schema of ['patient_import', 'siu_ingestor', 'hl7_gateway', 'user_provisioning']) {
      const key = [...after.keys()].find(
        (series) => series.startsWith('bridge_outbox_lag_seconds{') && series.includes(`schema="${schema}"`),
      );
      expect(key).toBeDefined();
      expect(after.get(key!)).toBeGreaterThanOrEqual(0);
    }
    // Retries and dead letters are declared (they move when a delivery fails: see bus.server.spec.ts).
    const declared = texts.join('\n');
    for (const name of ['bridge_bus_messages_retried_total', 'bridge_bus_messages_dead_lettered_total']) {
      expect(declared).toContain(`# TYPE ${name} counter`);
    }
    // Bounded labels: every series names its service; no run id, patient code or URL with ids in a label.
    for (const key of after.keys()) {
      if (!key.startsWith('bridge_')) continue;
      expect(key).toMatch(/service="[a-z0-9-]+"/);
      for (const unbounded of [run.id, 'OBS-100', SIM_IDS.lucas]) expect(key).not.toContain(unbounded);
    }
  });

  /** The spans of one trace once the batch has arrived. */
  async function traceOf(
    matches: (span: ReceivedSpan) => boolean,
    expectations: (trace: ReceivedSpan[]) => void,
  ): Promise<ReceivedSpan[]> {
    let trace: ReceivedSpan[] = [];
    await expectEventually(() => {
      const root = receiver.spans.find(matches);
      expect(root).toBeDefined();
      trace = receiver.spans.filter((span) => span.traceId === root!.traceId);
      expectations(trace);
    });
    return trace;
  }

  it("shows how many MLLP connections are kept open to a hospital's engine (keepOpenMs)", async () => {
    const kept = await hl7Hospital('obs-kept', { keepOpenMs: 60_000 });
    const keptNow = async () =>
      total(parsePrometheus(await scrapeTexts()), 'bridge_hl7_kept_connections', {
        service: 'hl7-gateway',
        hospital_id: kept.id,
      });
    expect(await keptNow()).toBe(0);
    for (let i = 0; i < 2; i++) {
      const lookup = await api.request('POST', '/v1/imports', {
        token: kept.token,
        body: { patientCode: SIM_IDS.lucas },
      });
      expect(lookup.status).toBe(200);
    }
    expect(await keptNow()).toBe(1);
  });

  it('follows one push as one trace across gateway, bus, patient-import and PostgreSQL, relay included', async () => {
    const hospital = await api.createHospital('obs-trace');
    const correlationId = 'obs-push-trace';
    const pushed = await api.request('POST', '/v1/patients', {
      token: hospital.token,
      headers: { 'x-correlation-id': correlationId },
      body: { patientCode: 'TRACE-1', firstName: 'Bram', lastName: 'Claes', birthDate: '1980-02-02' },
    });
    expect(pushed.status).toBe(201);
    const byService = (trace: ReceivedSpan[], service: string) =>
      trace.filter((span) => span.attributes['bridge.service'] === service);
    const trace = await traceOf(
      (span) =>
        span.name === 'POST /v1/patients' && span.attributes['bridge.correlation_id'] === correlationId,
      (spans) => {
        const send = spans.find((span) => span.name === 'patients.upsert.v1 send');
        const served = spans.find((span) => span.name === 'patients.upsert.v1 process');
        expect(send?.attributes['bridge.service']).toBe('gateway');
        expect(served?.attributes['bridge.service']).toBe('patient-import');
        expect(served?.parentSpanId).toBe(send?.spanId);
        // The handler's queries are children inside patient-import's span.
        const queries = spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
        expect(queries.some((query) => query.parentSpanId === served?.spanId)).toBe(true);
        // The outbox row carried the trace: the relay's publish (after commit, from its own loop) continues it.
        const published = spans.find((span) => span.name === 'patients.patient.upserted.v1 publish');
        expect(published?.attributes['bridge.service']).toBe('patient-import');
      },
    );
    expect(byService(trace, 'gateway').length).toBeGreaterThan(0);
    expect(byService(trace, 'patient-import').length).toBeGreaterThan(0);
    expect(new Set(trace.map((span) => span.traceId)).size).toBe(1);
    // Not one statement's parameters (the patient) in any span.
    expect(JSON.stringify(trace)).not.toContain('Claes');
    for (const line of logLines.filter((entry) => entry.correlationId === correlationId)) {
      expect(line.traceId).toBe(trace[0].traceId);
    }
  });

  it("puts the request's trace id in every log line it causes, in every service", async () => {
    const hospital = await hl7Hospital('obs-logs');
    const correlationId = 'obs-log-trace';
    // A hospital error is logged (warn) by hl7-gateway while it handles the gateway's request.
    const failed = await api.request('POST', '/v1/imports', {
      token: hospital.token,
      headers: { 'x-correlation-id': correlationId },
      body: { patientCode: SIM_FAULTS.error },
    });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const trace = await traceOf(
      (span) =>
        span.name === 'POST /v1/imports' && span.attributes['bridge.correlation_id'] === correlationId,
      (spans) =>
        expect(
          spans.some(
            (span) => span.name === 'mllp exchange' && span.attributes['bridge.outcome'] === 'hospital_error',
          ),
        ).toBe(true),
    );
    const lines = logLines.filter((entry) => entry.correlationId === correlationId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.msg === 'HL7 query failed')).toBe(true);
    for (const line of lines) expect(line.traceId).toBe(trace[0].traceId);
  });
});
