import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  corpusDirectory,
  expectedReading,
  loadCorpus,
  readCorpusFile,
  type CorpusEntry,
  type CorpusReading,
} from './hl7-real.corpus';

/**
 * Peer corpus: 68 HL7 v2 messages from ten public projects, each with what HL7-RULES.md makes of it
 * (`expected.json`). Every non-ambiguous file must read exactly as stated; for the files marked
 * ambiguous, the debatable fields are only reported, the rest is asserted like any other file.
 */
const PROJECT_ROOT = path.resolve(__dirname, '../../../..');
const CORPUS = corpusDirectory(PROJECT_ROOT);
const present = fs.existsSync(path.join(CORPUS, 'expected.json'));
const files = present ? loadCorpus(CORPUS) : {};

/** Removes a `candidates[0].lastName` style field from a reading, returning what it held. */
function takeField(reading: Record<string, unknown>, field: string): unknown {
  const steps = field.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let holder: Record<string, unknown> | undefined = reading;
  for (let i = 0; i < steps.length - 1 && holder; i++) {
    const step = steps[i].startsWith('[') ? Number(steps[i].slice(1, -1)) : steps[i];
    holder = holder[step] as Record<string, unknown> | undefined;
  }
  const last = steps[steps.length - 1]?.replace(/^\[(\d+)\]$/, '$1');
  if (!holder || last === undefined) return undefined;
  const value = holder[last];
  delete holder[last];
  return value;
}

function splitAmbiguous(
  reading: CorpusReading,
  entry: CorpusEntry,
): { asserted: Record<string, unknown>; ambiguous: Record<string, unknown> } {
  const asserted = structuredClone(reading) as Record<string, unknown>;
  const ambiguous: Record<string, unknown> = {};
  for (const field of entry.ambiguous ? (entry.ambiguousFields ?? []) : []) {
    // Path names hold dots themselves (`OBX-5.1`), so `paths.` takes the rest of the name whole.
    if (field.startsWith('paths.')) {
      const paths = asserted.paths as Record<string, unknown> | undefined;
      ambiguous[field] = paths?.[field.slice('paths.'.length)];
      delete paths?.[field.slice('paths.'.length)];
    } else {
      ambiguous[field] = takeField(asserted, field);
    }
  }
  return { asserted, ambiguous };
}

const matched: string[] = [];
const ambiguousReports: string[] = [];

describe('hl7-real peer corpus (shared/interop/hl7-real)', () => {
  it('is present beside the project', () => {
    if (!present) {
      throw new Error(
        `The peer corpus is missing: expected ${CORPUS}/expected.json. CI clones the project with shared/ ` +
          'beside it; in another layout set HL7_REAL_CORPUS to the hl7-real folder.',
      );
    }
    expect(Object.keys(files).length).toBeGreaterThan(0);
  });

  // Only when present: describe.each refuses an empty table, which would hide the message above.
  const names = Object.keys(files);
  (names.length > 0 ? describe.each(names) : describe.skip.each(['(no corpus)']))('%s', (name) => {
    const entry = files[name];

    it('reads as expected.json says', () => {
      const raw = fs.readFileSync(path.join(CORPUS, name));
      const reading = readCorpusFile(raw, entry);
      if (reading.refused !== undefined && entry.parse !== 'either') {
        throw new Error(`${name} was refused (${reading.refused}) but must be read`);
      }
      const expected = expectedReading(entry, reading.refused !== undefined);
      const { refused: _refused, ...actual } = reading;
      const mine = splitAmbiguous(actual, entry);
      const theirs = splitAmbiguous(expected, entry);
      if (entry.ambiguous) {
        const same = JSON.stringify(mine.ambiguous) === JSON.stringify(theirs.ambiguous);
        ambiguousReports.push(
          `${name} (ambiguous: ${entry.ambiguousReason ?? ''}) ${same ? 'reads as stated' : 'differs'}: ` +
            `expected ${JSON.stringify(theirs.ambiguous)}, read ${JSON.stringify(mine.ambiguous)}`,
        );
      }
      expect(mine.asserted).toEqual(theirs.asserted);
      matched.push(name);
    });
  });

  afterAll(() => {
    if (!present) return;
    const total = Object.keys(files).length;
    const lines = [`hl7-real: ${matched.length} of ${total} files read as expected.json says`];
    lines.push(...ambiguousReports);
    console.log(lines.join('\n'));
  });
});
