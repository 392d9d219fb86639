// Payload validation cost (every boundary: the HTTP pipe, each bus handler). validatePayload answers a
// valid payload from its validation plans; the baseline, measured in the same run, is class-validator's own
// path (plainToInstance + validateSync with the same options), which validatePayload took for every payload
// before. Prints CPU microseconds per payload for each and the ratio. One core, no I/O: the figures hold on
// a shared machine better than the end-to-end benchmarks, where this is a few percent of a request.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  ApplyAppointmentMessagesRequestV1,
  ImportLookupInputV1,
  LookupImportRequestV1,
  PatientInputV1,
  QueryDemographicsRequestV1,
  UpsertPatientRequestV1,
  validatePayload,
  VALIDATOR_OPTIONS,
} from '@bridge/contracts';

const HOSPITAL_ID = '0b9a3c1e-5d2f-4c8e-9a71-3f6b2d8e4c10';
const ROUNDS = 7;

function patient(i: number): Record<string, unknown> {
  return {
    patientCode: String(100000 + i),
    visitNumber: `24000${i}`,
    firstName: ['Françoise', 'Jan', 'Seán', 'Marie-Thérèse'][i % 4],
    lastName: ['Dubois-Lemaître', 'Van den Broeck', 'Peeters', "O'Brien"][i % 4],
    birthDate: '1983-12-25',
    sex: i % 2 ? 'male' : 'female',
    email: `p${i}@example.be`,
    phone: '+32 2 555 01 23',
    mobilePhone: '+32 475 12 34 56',
    preferredLanguage: 'fr',
    address: { street: `Rue de l'Église ${i}`, city: 'Liège', zip: '4000', country: 'BE' },
    identifiers: [
      { system: 'NN', value: `83.12.25-${String(i % 1000).padStart(3, '0')}.53` },
      { system: 'AZSTJAN', value: String(100000 + i) },
    ],
  };
}

const uuid = (i: number) => `5b0c3f52-6f1e-4d55-9bb5-${String(i).padStart(12, '0')}`;

type Payload = [payloadClass: new () => object, plain: unknown];

const CASES: { name: string; payloads: Payload[] }[] = [
  {
    name: 'push upsert (UpsertPatientRequestV1)',
    payloads: Array.from({ length: 200 }, (_, i) => [
      UpsertPatientRequestV1,
      { hospitalId: HOSPITAL_ID, patient: patient(i) },
    ]),
  },
  {
    name: 'patient (PatientInputV1)',
    payloads: Array.from({ length: 200 }, (_, i) => [PatientInputV1, patient(i)]),
  },
  {
    // What one pull-import lookup validates, alternated as a process meets them (the HTTP body, the two bus
    // requests, the candidate fitted as a patient): several classes in turn, not one class in a hot loop.
    name: 'pull-import lookup payloads, 4 classes alternated',
    payloads: Array.from({ length: 50 }, (_, i): Payload[] => [
      [ImportLookupInputV1, { patientCode: String(100000 + i) }],
      [
        LookupImportRequestV1,
        {
          hospitalId: HOSPITAL_ID,
          lookup: { patientCode: String(100000 + i) },
          requestedBy: 'user-1',
          auditActor: { kind: 'user', id: 'user-1' },
        },
      ],
      [QueryDemographicsRequestV1, { hospitalId: HOSPITAL_ID, by: 'patientCode', value: String(100000 + i) }],
      [PatientInputV1, patient(i)],
    ]).flat(),
  },
  {
    name: 'SIU apply, 100 messages (ApplyAppointmentMessagesRequestV1)',
    payloads: Array.from({ length: 4 }, (_, batch): Payload => [
      ApplyAppointmentMessagesRequestV1,
      {
        hospitalId: HOSPITAL_ID,
        messages: Array.from({ length: 100 }, (_, i) => ({
          messageId: uuid(batch * 100 + i),
          sequence: batch * 100 + i,
          channel: 'siu-file',
          patient: patient(i),
          appointment: {
            appointmentId: `A${i}`,
            event: 'S12',
            action: 'start',
            careFlowDefinitionKey: 'knee-replacement',
            physicianCode: 'D1',
            baseline: { appointmentDate: '2024-03-15T10:30' },
          },
        })),
      },
    ]),
  },
];

function classValidatorPath([payloadClass, plain]: Payload): void {
  const instance = plainToInstance(payloadClass, plain);
  if (validateSync(instance, VALIDATOR_OPTIONS).length > 0) throw new Error('a benchmark payload is invalid');
}

/** CPU microseconds per payload, best of ROUNDS (after one warm-up round). */
function cpuMicrosPerPayload(payloads: Payload[], validate: (payload: Payload) => void): number {
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round += 1) {
    const started = process.cpuUsage();
    for (let repeat = 0; repeat < 20; repeat += 1) for (const payload of payloads) validate(payload);
    const used = process.cpuUsage(started);
    if (round > 0) times.push((used.user + used.system) / (payloads.length * 20));
  }
  return Math.min(...times);
}

export function main(): void {
  for (const { name, payloads } of CASES) {
    const baseline = cpuMicrosPerPayload(payloads, classValidatorPath);
    const ours = cpuMicrosPerPayload(payloads, ([payloadClass, plain]) =>
      validatePayload(payloadClass, plain),
    );
    process.stdout.write(
      `validation ${name}: ${ours.toFixed(1)} µs cpu per payload; class-validator's path ${baseline.toFixed(1)} µs; ratio ${(baseline / ours).toFixed(2)}x\n`,
    );
  }
}
