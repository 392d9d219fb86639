import {
  planCareFlowChange,
  replayAppointment,
  type ActualCareFlow,
  type AppointmentMessage,
} from './appointment-replay';

let counter = 0;
function message(
  sequence: number,
  action: AppointmentMessage['action'],
  extra: Partial<AppointmentMessage> = {},
): AppointmentMessage {
  counter += 1;
  return {
    messageId: `m${String(counter).padStart(4, '0')}`,
    sequence,
    event: { start: 'S12', update: 'S14', stop: 'S15', ignore: 'S26' }[action],
    action,
    definitionKey: 'knee-replacement',
    patientId: 'p1',
    physicianCode: 'DR1',
    baseline: { appointmentDate: `2026-01-0${sequence}T09:00` },
    ...extra,
  };
}

/** Applies messages one by one in `arrival` order as the service does; returns the stored care flow and the effects. */
function applyInArrivalOrder(arrival: AppointmentMessage[]) {
  let actual: ActualCareFlow | undefined;
  const effects = { started: 0, updated: 0, stopped: 0 };
  const history: AppointmentMessage[] = [];
  for (const next of arrival) {
    history.push(next);
    const plan = planCareFlowChange(replayAppointment(history), actual);
    const desired = replayAppointment(history)!;
    if (plan.insert) {
      actual = {
        status: 'active',
        physicianId: desired.physicianId,
        physicianCode: desired.physicianCode,
        baseline: desired.baseline,
      };
      effects.started += 1;
    }
    if (plan.update && actual) {
      actual = { ...actual, ...plan.update };
      effects.updated += 1;
    }
    if (plan.stopReason && actual) {
      actual = { ...actual, status: 'stopped' };
      effects.stopped += 1;
    }
  }
  return { actual, effects };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('replayAppointment (rule 25 over the history, in sequence order)', () => {
  it('start creates; a second start is a no-op; update re-reads; stop stops', () => {
    const start = message(1, 'start');
    expect(replayAppointment([start])).toMatchObject({
      createdBy: start.messageId,
      definitionKey: 'knee-replacement',
    });
    const again = message(2, 'start', { baseline: { appointmentDate: '2030-01-01T00:00' } });
    expect(replayAppointment([start, again])?.baseline).toEqual(start.baseline);
    const update = message(3, 'update', { physicianCode: 'DR2' });
    expect(replayAppointment([start, update])).toMatchObject({
      physicianCode: 'DR2',
      baseline: update.baseline,
    });
    expect(replayAppointment([start, update, message(4, 'stop')])?.stoppedByEvent).toBe('S15');
  });

  it('an update of an unknown appointment acts as a start; a stop of an unknown one is a no-op', () => {
    const update = message(1, 'update');
    expect(replayAppointment([update])).toMatchObject({ createdBy: update.messageId });
    expect(replayAppointment([message(1, 'stop')])).toBeUndefined();
  });

  it('creates nothing without a care-flow rule (rule 23), and ignore does nothing', () => {
    expect(replayAppointment([message(1, 'start', { definitionKey: undefined })])).toBeUndefined();
    expect(replayAppointment([message(1, 'ignore')])).toBeUndefined();
  });

  it('keeps the physician when an update names none, and drops a resolved id when the code changes', () => {
    const start = message(1, 'start', { physicianId: 'u1' });
    expect(replayAppointment([start, message(2, 'update', { physicianCode: undefined })])).toMatchObject({
      physicianId: 'u1',
      physicianCode: 'DR1',
    });
    const changed = replayAppointment([start, message(2, 'update', { physicianCode: 'DR9' })]);
    expect(changed?.physicianCode).toBe('DR9');
    expect(changed?.physicianId).toBeUndefined();
  });
});

describe('planCareFlowChange', () => {
  const desired = replayAppointment([message(1, 'start')])!;

  it('inserts a missing care flow, stopped at once when the history already stopped it', () => {
    expect(planCareFlowChange(desired, undefined)).toEqual({ insert: true });
    expect(planCareFlowChange({ ...desired, stoppedByEvent: 'S17' }, undefined)).toEqual({
      insert: true,
      stopReason: "Stopped by the hospital's schedule (SIU^S17)",
    });
  });

  it('keeps baseline values a care team added, and changes nothing when nothing changed', () => {
    const actual: ActualCareFlow = {
      status: 'active',
      physicianCode: 'DR1',
      baseline: { ...desired.baseline, side: 'L' },
    };
    expect(planCareFlowChange(desired, actual)).toEqual({ insert: false });
    const later = { ...desired, baseline: { appointmentDate: '2026-02-01T10:00' } };
    expect(planCareFlowChange(later, actual).update?.baseline).toEqual({
      appointmentDate: '2026-02-01T10:00',
      side: 'L',
    });
  });

  it('leaves a care flow a care team stopped while the schedule says active', () => {
    expect(
      planCareFlowChange(desired, { status: 'stopped', baseline: { appointmentDate: '1999-01-01T00:00' } }),
    ).toEqual({ insert: false });
  });

  it('never touches a care flow that is no longer active', () => {
    expect(
      planCareFlowChange({ ...desired, stoppedByEvent: 'S15' }, { status: 'completed', baseline: {} }),
    ).toEqual({
      insert: false,
    });
  });
});

describe('applied in any order, messages end as in file order (rule 19 with competing consumers)', () => {
  const histories: [string, AppointmentMessage[]][] = [
    [
      'start, update, stop',
      [message(1, 'start'), message(2, 'update', { physicianCode: 'DR2' }), message(3, 'stop')],
    ],
    ['stop, start (a re-booking after a cancel)', [message(1, 'stop'), message(2, 'start')]],
    [
      'start, update, update',
      [message(1, 'start'), message(2, 'update'), message(3, 'update', { physicianCode: 'DR3' })],
    ],
    [
      'update (unknown), start, stop, update',
      [message(1, 'update'), message(2, 'start'), message(3, 'stop'), message(4, 'update')],
    ],
    [
      'unmapped start, mapped update, ignore',
      [message(1, 'start', { definitionKey: undefined }), message(2, 'update'), message(3, 'ignore')],
    ],
  ];

  it.each(histories)('%s', (_name, inOrder) => {
    const expected = applyInArrivalOrder(inOrder);
    for (const arrival of permutations(inOrder)) {
      const { actual, effects } = applyInArrivalOrder(arrival);
      expect(actual).toEqual(expected.actual);
      expect({ started: effects.started, stopped: effects.stopped }).toEqual({
        started: expected.effects.started,
        stopped: expected.effects.stopped,
      });
    }
  });
});
