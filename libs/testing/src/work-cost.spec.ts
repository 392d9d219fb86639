import { writesBetween, type RowWrites } from './work-cost';

const reading = (relations: [relid: string, name: string, writes: number][]): RowWrites =>
  new Map(relations.map(([relid, name, writes]) => [relid, { name, writes }]));

describe('writesBetween', () => {
  it("sums a partitioned table's partitions under its name, each from its own first reading", () => {
    const before = reading([
      ['1', 'hl7_gateway.messages', 100],
      ['2', 'hl7_gateway.messages', 40],
      ['3', 'patient_import.patients', 7],
    ]);
    const after = reading([
      ['1', 'hl7_gateway.messages', 103],
      ['2', 'hl7_gateway.messages', 45],
      ['3', 'patient_import.patients', 7],
    ]);
    expect(writesBetween(before, after)).toEqual(
      new Map([
        ['hl7_gateway.messages', 8],
        ['patient_import.patients', 0],
      ]),
    );
  });

  it('counts nothing for a partition dropped meanwhile, whose counters went with it, and all of a new one', () => {
    // Day partitions 1 and 2 pruned (dropped, not written), today's partition 3 written, 4 created and written.
    const before = reading([
      ['1', 'bench.messages', 5_000],
      ['2', 'bench.messages', 5_000],
      ['3', 'bench.messages', 10],
    ]);
    const after = reading([
      ['3', 'bench.messages', 12],
      ['4', 'bench.messages', 3],
    ]);
    expect(writesBetween(before, after)).toEqual(new Map([['bench.messages', 5]]));
  });
});
