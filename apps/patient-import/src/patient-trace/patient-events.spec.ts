import { BatchPositions } from './patient-events';

describe('BatchPositions.carry (SIU batch events named by the patient next event)', () => {
  it("puts each patient's latest event position on the patient's last trace row of the batch only", () => {
    const positions = new BatchPositions();
    positions.note([
      { patient_id: 'a', patient_position: '10' },
      { patient_id: 'b', patient_position: '11' },
    ]);
    positions.note([{ patient_id: 'a', patient_position: '12' }]);
    const rows = [
      { patientId: 'a', summary: 'first of a' },
      { patientId: 'b', summary: 'only of b' },
      { patientId: 'a', summary: 'last of a' },
      { patientId: 'c', summary: 'no event of c' },
    ];
    expect(positions.carry(rows)).toEqual([
      { patientId: 'a', summary: 'first of a' },
      { patientId: 'b', summary: 'only of b', eventPosition: '11' },
      { patientId: 'a', summary: 'last of a', eventPosition: '12' },
      { patientId: 'c', summary: 'no event of c' },
    ]);
  });
});
