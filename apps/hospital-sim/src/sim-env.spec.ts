import { ConfigError } from '@bridge/config';
import { simOptionsFromEnv } from './sim-env';

describe('hospital-sim environment', () => {
  it('defaults to MLLP 2575 and HTTP 8089 on loopback', () => {
    expect(simOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      mllpPort: 2575,
      httpPort: 8089,
      charset: 'utf-8',
      hangMs: undefined,
      slowMs: 1500,
    });
  });

  it('reads the ports and names every bad variable at once', () => {
    expect(simOptionsFromEnv({ SIM_MLLP_PORT: '0', SIM_HTTP_PORT: '9000' })).toMatchObject({
      mllpPort: 0,
      httpPort: 9000,
    });
    let error: unknown;
    try {
      simOptionsFromEnv({ SIM_MLLP_PORT: 'abc', SIM_HTTP_PORT: '70000', SIM_CHARSET: 'ebcdic' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['SIM_MLLP_PORT', 'SIM_HTTP_PORT', 'SIM_CHARSET']) expect(message).toContain(name);
  });
});
