import { fileMatcher } from './file-pattern';

describe('fileMatcher', () => {
  it('matches * and ? over whole names, any of several globs', () => {
    const matches = fileMatcher('*.hl7, SIU_????.txt');
    expect(['a.hl7', 'batch.2024.hl7', 'SIU_0001.txt'].filter(matches)).toHaveLength(3);
    expect(['a.hl7.part', 'a.HL7', 'SIU_01.txt', 'xa.hl7x'].filter(matches)).toEqual([]);
  });

  it('takes regex characters literally', () => {
    expect(fileMatcher('a+b(1).hl7')('a+b(1).hl7')).toBe(true);
    expect(fileMatcher('a+b(1).hl7')('aab1.hl7')).toBe(false);
  });

  it('never matches hidden files with a leading *, unless the pattern starts with a dot', () => {
    expect(fileMatcher('*')('.upload.hl7')).toBe(false);
    expect(fileMatcher('*')('upload.hl7')).toBe(true);
    expect(fileMatcher('.*')('.upload.hl7')).toBe(true);
  });
});
