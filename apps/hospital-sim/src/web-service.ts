import * as http from 'node:http';
import type * as net from 'node:net';
import { isAuthority, findPatients, type SimLookup } from './patient-lookup';
import { SIM_VISIT_SYSTEM, type SimPatient } from './dataset';
import { fhirOperationOutcome, toFhirBundle, toFhirPatient } from './fhir.mapper';
import { toPdqResponse } from './pdq.mapper';
import { faultOf, SIM_ERROR_TEXT, SIM_GARBAGE_BODY } from './sim-faults';
import type { SimWaits } from './sim-waits';

/** The credentials the hospital's web service expects (PRODUCT.md `auth`), when it expects some. */
export type SimAuth =
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'header'; readonly header: string; readonly value: string };

export interface SimHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface WebServiceOptions {
  readonly host: string;
  readonly port: number;
  readonly dataset: readonly SimPatient[];
  readonly hangMs?: number;
  readonly slowMs: number;
  readonly waits: SimWaits;
  readonly requireAuth?: SimAuth;
  /** Every request is appended here, before auth is checked. */
  readonly requests: SimHttpRequest[];
}

type Flavor = 'pdq' | 'fhir';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const FHIR_TYPE = 'application/fhir+json; charset=utf-8';
const PDQ_TYPES: Readonly<Record<string, SimLookup['by']>> = {
  MR: 'patientCode',
  VN: 'visitNumber',
  NN: 'nationalNumber',
};

function json(status: number, value: unknown, contentType = JSON_TYPE): Answer {
  return { status, contentType, body: JSON.stringify(value) };
}

function pdqError(status: number, error: string): Answer {
  return json(status, { error });
}

function fhirError(status: number, code: string, diagnostics: string): Answer {
  return json(status, fhirOperationOutcome(code, diagnostics), FHIR_TYPE);
}

/** `identifier:of-type={system}|{type}|{value}`; the value may itself contain `|`. */
function pdqLookup(url: URL): SimLookup | string {
  const parameter = url.searchParams.get('identifier:of-type');
  if (parameter === null) return 'identifier:of-type is required';
  const [system, type, ...rest] = parameter.split('|');
  const by = PDQ_TYPES[(type ?? '').toUpperCase()];
  if (rest.length === 0 || by === undefined) return 'identifier:of-type must be {system}|{MR|VN|NN}|{value}';
  return { by, value: rest.join('|'), authority: system };
}

/**
 * `identifier={system}|{value}` (or a bare value: any identifier); the system says what is searched.
 * A system this hospital does not issue gives no lookup: nothing matches.
 */
function fhirLookup(url: URL): { lookup?: SimLookup; value: string } | string {
  const parameter = url.searchParams.get('identifier');
  if (parameter === null) return 'the identifier search parameter is required';
  const bar = parameter.indexOf('|');
  const system = bar < 0 ? '' : parameter.slice(0, bar);
  const value = bar < 0 ? parameter : parameter.slice(bar + 1);
  if (system === '') return { lookup: { by: 'any', value, authority: '' }, value };
  if (system === SIM_VISIT_SYSTEM) return { lookup: { by: 'visitNumber', value, authority: '' }, value };
  if (isAuthority(system, 'AZDEMO') || isAuthority(system, 'HHSJ')) {
    return { lookup: { by: 'patientCode', value, authority: system }, value };
  }
  if (isAuthority(system, 'RRN')) return { lookup: { by: 'nationalNumber', value, authority: '' }, value };
  return { value };
}

/** The pdq / fhir web service, on node:http (no framework: the simulator must stay tiny). */
export class SimWebService {
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: WebServiceOptions) {}

  async listen(): Promise<number> {
    const server = http.createServer((request, response) => {
      this.route(request, response).catch(() => response.socket?.destroy());
    });
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    this.options.requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: { ...request.headers },
    });
    const url = new URL(request.url ?? '/', 'http://sim.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    const flavor: Flavor = path.startsWith('/fhir') ? 'fhir' : 'pdq';

    if (!this.authorized(request)) {
      const challenge = this.options.requireAuth?.type === 'basic' ? 'Basic realm="hospital-sim"' : 'Bearer';
      response.setHeader('WWW-Authenticate', challenge);
      return send(
        response,
        flavor === 'fhir' ? fhirError(401, 'login', 'unauthorized') : pdqError(401, 'unauthorized'),
      );
    }
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      return send(
        response,
        flavor === 'fhir' ? fhirError(405, 'not-supported', 'GET only') : pdqError(405, 'GET only'),
      );
    }

    const base = `http://${request.headers.host ?? 'localhost'}`;
    if (path === '/pdq/Patient') {
      const lookup = pdqLookup(url);
      if (typeof lookup === 'string') return send(response, pdqError(400, lookup));
      return this.answer(response, 'pdq', lookup.value, () =>
        json(200, toPdqResponse(findPatients(this.options.dataset, lookup))),
      );
    }
    if (path === '/fhir/Patient') {
      const search = fhirLookup(url);
      if (typeof search === 'string') return send(response, fhirError(400, 'required', search));
      const { lookup } = search;
      return this.answer(response, 'fhir', search.value, () => {
        const patients = lookup ? findPatients(this.options.dataset, lookup) : [];
        return json(
          200,
          toFhirBundle(patients, { baseUrl: `${base}/fhir`, selfUrl: `${base}${request.url ?? ''}` }),
          FHIR_TYPE,
        );
      });
    }
    const read = /^\/fhir\/Patient\/([^/]+)$/.exec(path);
    if (read) {
      const patient = this.options.dataset.find((candidate) => candidate.id === read[1]);
      return send(
        response,
        patient
          ? json(200, toFhirPatient(patient), FHIR_TYPE)
          : fhirError(404, 'not-found', 'no such Patient'),
      );
    }
    return send(
      response,
      flavor === 'fhir' ? fhirError(404, 'not-supported', 'unknown path') : pdqError(404, 'unknown path'),
    );
  }

  /** Applies the fault the looked-up value selects, else sends the normal answer. */
  private async answer(
    response: http.ServerResponse,
    flavor: Flavor,
    value: string,
    normal: () => Answer,
  ): Promise<void> {
    switch (faultOf(value)) {
      case 'hang':
        await this.options.waits.wait(this.options.hangMs);
        response.socket?.destroy();
        return;
      case 'garbage':
        return send(response, { status: 200, contentType: JSON_TYPE, body: SIM_GARBAGE_BODY });
      case 'error':
        return send(
          response,
          flavor === 'fhir' ? fhirError(500, 'exception', SIM_ERROR_TEXT) : pdqError(500, SIM_ERROR_TEXT),
        );
      case 'close': {
        const someone = this.options.dataset.slice(0, 1);
        const full =
          flavor === 'fhir'
            ? JSON.stringify(toFhirBundle(someone, { baseUrl: '', selfUrl: '' }))
            : JSON.stringify(toPdqResponse(someone));
        const bytes = Buffer.from(full, 'utf8');
        response.writeHead(200, {
          'Content-Type': flavor === 'fhir' ? FHIR_TYPE : JSON_TYPE,
          'Content-Length': bytes.length,
        });
        // Destroy once half the body is on the wire: the client sees a truncated response.
        response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.socket?.destroy());
        return;
      }
      case 'slow':
        await this.options.waits.wait(this.options.slowMs);
        if (response.socket?.destroyed) return;
        break;
      case 'mismatch': // MLLP faults: HTTP answers normally
      case 'unclosed':
      case undefined:
        break;
    }
    send(response, normal());
  }

  private authorized(request: http.IncomingMessage): boolean {
    const expected = this.options.requireAuth;
    if (!expected) return true;
    switch (expected.type) {
      case 'basic': {
        const token = Buffer.from(`${expected.username}:${expected.password}`, 'utf8').toString('base64');
        return request.headers.authorization === `Basic ${token}`;
      }
      case 'bearer':
        return request.headers.authorization === `Bearer ${expected.token}`;
      case 'header':
        return request.headers[expected.header.toLowerCase()] === expected.value;
    }
  }
}

function send(response: http.ServerResponse, answer: Answer): void {
  if (response.socket?.destroyed) return;
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': body.length });
  response.end(body);
}
