import { ConfigError } from '@bridge/config';
import { simOptionsFromEnv } from './sim-env';

describe('hospital-sim environment', () => {
  it('defaults to MLLP 2575, HTTP 8089 and SFTP 2222 (user agenda, random password) on loopback', () => {
    expect(simOptionsFromEnv({})).toEqual({
      host: '127.0.0.1',
      mllpPort: 2575,
      httpPort: 8089,
      charset: 'utf-8',
      hangMs: undefined,
      slowMs: 1500,
      sftp: { root: '.data/sim-sftp', port: 2222, username: 'agenda' },
    });
  });

  it('reads the ports and the SFTP account', () => {
    expect(
      simOptionsFromEnv({
        SIM_MLLP_PORT: '0',
        SIM_HTTP_PORT: '9000',
        SIM_SFTP_PORT: '0',
        SIM_SFTP_ROOT: '/srv/agenda',
        SIM_SFTP_USER: 'planner',
        SIM_SFTP_PASSWORD: 's3cret',
      }),
    ).toMatchObject({
      mllpPort: 0,
      httpPort: 9000,
      sftp: { root: '/srv/agenda', port: 0, username: 'planner', password: 's3cret' },
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      simOptionsFromEnv({
        SIM_MLLP_PORT: 'abc',
        SIM_HTTP_PORT: '70000',
        SIM_CHARSET: 'ebcdic',
        SIM_SFTP_PORT: '-1',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['SIM_MLLP_PORT', 'SIM_HTTP_PORT', 'SIM_CHARSET', 'SIM_SFTP_PORT'])
      expect(message).toContain(name);
  });
});
