import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';

const HOSPITAL_A = '0f8fad5b-d9cb-469f-a165-70867728950e';
const HOSPITAL_B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('InProcessTransport.deadLetterCounts', () => {
  it("counts the asked queues' dead letters by the hospital their payload names, without removing them", async () => {
    const broker = new InProcessBroker();
    const letter = (queue: string, payload: unknown) =>
      broker.deadLetter({ queue, event: 'thing.happened.v1', messageId: 'm', reason: 'r', payload });
    letter('siu-ingestor.process', { hospitalId: HOSPITAL_A });
    letter('siu-ingestor.process', { hospitalId: HOSPITAL_A });
    letter('siu-ingestor.process', { hospitalId: HOSPITAL_B });
    letter('siu-ingestor.process', { hospitalId: 'not-a-uuid' });
    letter('other.queue', { hospitalId: HOSPITAL_A });

    const counts = await new InProcessTransport(broker).deadLetterCounts(['siu-ingestor.process']);
    expect(counts).toEqual(
      expect.arrayContaining([
        { queue: 'siu-ingestor.process', hospitalId: HOSPITAL_A, count: 2 },
        { queue: 'siu-ingestor.process', hospitalId: HOSPITAL_B, count: 1 },
        { queue: 'siu-ingestor.process', count: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
    expect(broker.deadLetters).toHaveLength(5);
  });
});
