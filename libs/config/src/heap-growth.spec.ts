import { setFlagsFromString } from 'node:v8';
import { applyHeapGrowth, EMBEDDED_HEAP_GROWTH_PERCENT, heapGrowthPercent } from './heap-growth';
import { ConfigError } from './load-config';

// V8's flags cannot be read back, and setting one changes this test process's own heap: the call is what is checked.
jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('HEAP_GROWTH_PERCENT', () => {
  beforeEach(() => jest.mocked(setFlagsFromString).mockClear());

  it('grows the embedded heap by 100 % and leaves a service V8 its own choice, unless told otherwise', () => {
    expect(EMBEDDED_HEAP_GROWTH_PERCENT).toBe(100);
    applyHeapGrowth(EMBEDDED_HEAP_GROWTH_PERCENT, {});
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=100');
    jest.mocked(setFlagsFromString).mockClear();
    applyHeapGrowth(0, {});
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('takes the percent given, and leaves V8 its own choice at 0', () => {
    applyHeapGrowth(0, { HEAP_GROWTH_PERCENT: '50' });
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=50');
    jest.mocked(setFlagsFromString).mockClear();
    applyHeapGrowth(EMBEDDED_HEAP_GROWTH_PERCENT, { HEAP_GROWTH_PERCENT: '0' });
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('refuses a value that is not a whole percent from 0 to 1000, naming the variable', () => {
    for (const value of ['-1', '1.5', '1001', 'fast', '1e2x']) {
      expect(() => heapGrowthPercent(value, 0)).toThrow(ConfigError);
      expect(() => heapGrowthPercent(value, 0)).toThrow(/HEAP_GROWTH_PERCENT/);
    }
    expect(() => applyHeapGrowth(100, { HEAP_GROWTH_PERCENT: 'fast' })).toThrow(ConfigError);
    expect(setFlagsFromString).not.toHaveBeenCalled();
    expect(heapGrowthPercent(' ', 100)).toBe(100);
    expect(heapGrowthPercent('1000', 0)).toBe(1000);
  });
});
