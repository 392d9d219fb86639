import {
  Controller,
  Injectable,
  Module,
  type INestMicroservice,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DomainError,
  GetPatientRequestV1,
  type LoginLinkEventV1,
  type PatientViewV1,
} from '@bridge/contracts';
import { expectEventually } from '@bridge/testing';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { Bus } from '../bus';
import { processBroker } from '../in-process/in-process.broker';
import { InProcessTransport } from '../in-process/in-process.transport';
import { MessagingModule } from '../messaging.module';
import { PoisonMessageError } from '../transport';
import { BusClient } from './bus.client';
import { BusRecord } from './bus-record';
import { createBusMicroservice } from './bus-microservice';
import type { MessageContext } from './message-context';

/**
 * The Nest side of the bus, end to end over the in-process transport: handlers written with Nest's own
 * decorators, found by Nest, validated and answered by BusServer, called through the typed Bus.
 */
const seen: { request?: unknown; context?: MessageContext; attempts: number[]; events: string[] } = {
  attempts: [],
  events: [],
};

@Controller()
class PatientsTestHandler {
  @MessagePattern('patients.get.v1')
  get(@Payload() request: GetPatientRequestV1, @Ctx() context: MessageContext): PatientViewV1 {
    seen.request = request;
    seen.context = context;
    if (request.patientId === '00000000-0000-4000-8000-000000000404')
      throw new DomainError('PATIENT_NOT_FOUND', 'No such patient.');
    if (request.patientId === '00000000-0000-4000-8000-000000000500') throw new Error('bug with a secret');
    return { id: request.patientId } as PatientViewV1;
  }

  @EventPattern('users.login-link.issued.v1', {
    queue: 'patient-import.trace.login-link-issued',
    maxAttempts: 3,
    backoffMs: 5,
  })
  async issued(@Payload() event: LoginLinkEventV1, @Ctx() context: MessageContext): Promise<void> {
    seen.attempts.push(context.attempt);
    if (event.patientCode === 'busy' && context.attempt < 2) throw new Error('database busy');
    if (event.patientCode === 'poison') throw new PoisonMessageError('cannot ever work');
    seen.events.push(context.messageId);
  }
}

@Module({
  imports: [MessagingModule.forService({ service: 'bus-server-spec', schema: 'unused', persistence: false })],
  controllers: [PatientsTestHandler],
})
class TestServiceModule {}

describe('BusServer and BusClient (Nest microservice over the in-process transport)', () => {
  let app: INestMicroservice;
  let bus: Bus;
  let client: BusClient;
  const hospitalId = randomUUID();

  beforeAll(async () => {
    app = await createBusMicroservice(TestServiceModule as never, { logger: false });
    await app.listen();
    bus = app.get(Bus);
    client = app.get(BusClient);
  });
  afterAll(() => app?.close());

  it('serves @MessagePattern with the validated request and the message context', async () => {
    const patientId = randomUUID();
    await expect(bus.request('patients.get.v1', { hospitalId, patientId })).resolves.toEqual({
      id: patientId,
    });
    expect(seen.request).toBeInstanceOf(GetPatientRequestV1);
    expect(seen.context).toMatchObject({
      messageId: expect.any(String),
      correlationId: expect.any(String),
      attempt: 1,
    });
  });

  it('returns a thrown DomainError with its code, anything else as INTERNAL_ERROR without its message', async () => {
    await expect(
      bus.request('patients.get.v1', { hospitalId, patientId: '00000000-0000-4000-8000-000000000404' }),
    ).rejects.toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    const failed = bus.request('patients.get.v1', {
      hospitalId,
      patientId: '00000000-0000-4000-8000-000000000500',
    });
    await expect(failed).rejects.toBeInstanceOf(DomainError);
    await expect(failed).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal error.' });
  });

  it('refuses a payload that does not fit the contract with VALIDATION_FAILED, before the handler runs', async () => {
    seen.request = undefined;
    await expect(
      bus.request('patients.get.v1', { hospitalId, patientId: 'not-a-uuid', extra: 1 } as never),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(seen.request).toBeUndefined();
  });

  it('answers SERVICE_UNAVAILABLE for a pattern nobody serves', async () => {
    await expect(bus.request('tenancy.hospital.list.v1', {} as never)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('delivers an emitted event with its message id, retries a failure with the next attempt, dead-letters poison at once', async () => {
    const emit = (patientCode: string, messageId: string, at = new Date().toISOString()) =>
      lastValueFrom(
        client.emit(
          'users.login-link.issued.v1',
          new BusRecord({ hospitalId, userId: randomUUID(), patientCode, at }, { messageId }),
        ),
        { defaultValue: undefined },
      );
    await emit('ok', 'm-ok');
    await emit('busy', 'm-retried');
    await emit('poison', 'm-poison');
    await emit('ok', 'm-invalid', 'not a time');

    await expectEventually(() => expect(seen.events.sort()).toEqual(['m-ok', 'm-retried']));
    const letters = () => processBroker.deadLetters.map((letter) => [letter.messageId, letter.reason]);
    await expectEventually(() =>
      expect(letters()).toEqual(
        expect.arrayContaining([
          ['m-poison', 'cannot ever work'],
          ['m-invalid', expect.stringContaining('invalid users.login-link.issued.v1 payload')],
        ]),
      ),
    );
    // Once for ok, twice for the retried one, once for the poison one; the invalid one never reached the handler.
    expect(seen.attempts.sort()).toEqual([1, 1, 1, 2]);
  });
});

describe('BusServer refuses to start with a handler it cannot bind', () => {
  /** A service of this one controller: its listen() must reject with the reason. */
  async function expectRefused(controller: new () => object, reason: RegExp): Promise<void> {
    @Module({
      imports: [
        MessagingModule.forService({
          service: `bus-spec-${controller.name}`,
          schema: 'unused',
          persistence: false,
        }),
      ],
      controllers: [controller],
    })
    class OneControllerModule {}
    const app = await createBusMicroservice(OneControllerModule as never, { logger: false });
    await expect(app.listen()).rejects.toThrow(reason);
    await app.close();
  }

  it('an @EventPattern without its queue', async () => {
    @Controller()
    class NoQueue {
      @EventPattern('patients.patient.upserted.v1')
      handle(): void {}
    }
    await expectRefused(NoQueue, /needs its queue/);
  });

  it('an @EventPattern whose queue is listed in the contracts for another event', async () => {
    @Controller()
    class WrongQueue {
      @EventPattern('users.login-link.used.v1', { queue: 'patient-import.trace.login-link-issued' })
      handle(): void {}
    }
    await expectRefused(WrongQueue, /does not match its entry in libs\/contracts EVENT_SUBSCRIPTIONS/);
  });

  it('a pattern that is not in the contracts', async () => {
    @Controller()
    class Typo {
      @MessagePattern('patients.gte.v1')
      handle(): void {}
    }
    await expectRefused(Typo, /not an RPC pattern/);
  });
});

describe('BusServer at shutdown', () => {
  const steps: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));

  @Controller()
  class SlowPatients {
    @MessagePattern('patients.get.v1')
    async get(@Payload() request: GetPatientRequestV1): Promise<PatientViewV1> {
      steps.push('handler started');
      await released;
      steps.push('handler finished');
      return { id: request.patientId } as PatientViewV1;
    }
  }
  /** Stands for TypeORM's DataSource, which is destroyed in onApplicationShutdown. */
  @Injectable()
  class Database implements OnApplicationShutdown {
    onApplicationShutdown(): void {
      steps.push('database closed');
    }
  }
  @Module({
    imports: [MessagingModule.forService({ service: 'bus-spec-4', schema: 'unused', persistence: false })],
    controllers: [SlowPatients],
    providers: [Database],
  })
  class ClosingModule {}

  it('stops serving before the database closes, and lets the request in flight finish first', async () => {
    const app = await createBusMicroservice(ClosingModule as never, { logger: false });
    await app.listen();
    const caller = new InProcessTransport();
    const request = (patientId: string) =>
      caller.request(
        'patients.get.v1',
        { hospitalId: randomUUID(), patientId },
        { timeoutMs: 5000, correlationId: 'c' },
      );

    const inFlight = request(randomUUID());
    await expectEventually(() => expect(steps).toEqual(['handler started']));
    const closing = app.close();
    await expectEventually(() =>
      expect(request(randomUUID())).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' }),
    );
    expect(steps).toEqual(['handler started']); // the database waits for the handler
    release();
    await closing;
    await expect(inFlight).resolves.toMatchObject({ ok: true });
    expect(steps).toEqual(['handler started', 'handler finished', 'database closed']);
  });
});
