import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, type Principal } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import { lastValueFrom, of } from 'rxjs';
import { AuditInterceptor } from './audit.interceptor';
import { Audited, ids, param } from './audited';

class Routes {
  @Audited('patient.read', 'patient', param('patientId'))
  read() {}
  @Audited('patient.search', 'patient', ids('patients'))
  search() {}
  @Audited('hospital.created', 'hospital')
  broken() {}
  unaudited() {}
}

const principal: Principal = {
  kind: 'client',
  subject: 'emr-1',
  hospitalId: 'h-1',
  scopes: ['patients:read'],
};

/** The bus is the one thing outside the interceptor: a recorder that can be told to fail. */
function busThat(fails = false) {
  const requests: { pattern: string; payload: any }[] = [];
  const bus = {
    request: async (pattern: string, payload: unknown) => {
      requests.push({ pattern, payload });
      if (fails) throw new DomainError('RPC_TIMEOUT', 'no answer');
      return { recorded: 1 };
    },
  } as unknown as Bus;
  return { bus, requests };
}

function run(bus: Bus, route: keyof Routes, result: unknown, params: Record<string, string> = {}) {
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[route],
    switchToHttp: () => ({
      getRequest: () => ({ user: principal, params }),
      getResponse: () => ({
        getHeader: (name: string) => (name === 'x-correlation-id' ? 'corr-1' : undefined),
      }),
    }),
  } as unknown as ExecutionContext;
  const next: CallHandler = { handle: () => of(result) };
  return lastValueFrom(new AuditInterceptor(new Reflector(), bus).intercept(context, next));
}

describe('AuditInterceptor', () => {
  it('records the read with actor, hospital, resource and correlation id before answering', async () => {
    const { bus, requests } = busThat();
    await expect(run(bus, 'read', { id: 'p-1' }, { patientId: 'p-1' })).resolves.toEqual({ id: 'p-1' });
    expect(requests).toEqual([
      {
        pattern: 'audit.events.record.v1',
        payload: {
          events: [
            {
              hospitalId: 'h-1',
              actor: { kind: 'client', id: 'emr-1' },
              action: 'patient.read',
              resource: { type: 'patient', id: 'p-1' },
              correlationId: 'corr-1',
              at: expect.any(String),
            },
          ],
        },
      },
    ]);
  });

  it('records one event per patient of a page, and nothing for an empty page', async () => {
    const { bus, requests } = busThat();
    await run(bus, 'search', { total: 2, patients: [{ id: 'p-1' }, { id: 'p-2' }] });
    expect(requests[0].payload.events.map((event: any) => event.resource.id)).toEqual(['p-1', 'p-2']);
    await run(bus, 'search', { total: 0, patients: [] });
    expect(requests).toHaveLength(1);
  });

  it('withholds the answer (503) when the trail cannot record it', async () => {
    const { bus } = busThat(true);
    await expect(run(bus, 'read', { id: 'p-1', lastName: 'X' }, { patientId: 'p-1' })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('fails a route whose target names nothing rather than answer unrecorded', async () => {
    const { bus, requests } = busThat();
    await expect(run(bus, 'broken', {})).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(requests).toEqual([]);
  });

  it('leaves routes without @Audited alone', async () => {
    const { bus, requests } = busThat();
    await expect(run(bus, 'unaudited', { id: 'x' })).resolves.toEqual({ id: 'x' });
    expect(requests).toEqual([]);
  });
});
