import { assertConfigs, ConfigError, loadConfig } from './load-config';
import { GatewayEnv, Hl7GatewayEnv, UserProvisioningEnv } from './env.schemas';

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const config = loadConfig(GatewayEnv, { PORT: '8080' });
    expect(config.PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.JWT_AUDIENCE).toBe('careflow-bridge-api');
  });

  it('names every bad variable at once and hides secret values', () => {
    let error: unknown;
    try {
      loadConfig(UserProvisioningEnv, { DATABASE_URL: 'mysql://x', PORT: 'x', ADMIN_CLIENT_SECRET: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['DATABASE_URL', 'SIGNING_KEY_PASSPHRASE', 'ADMIN_CLIENT_ID', 'ADMIN_CLIENT_SECRET']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('short');
  });

  it('checks the schemas of every hosted service at once, each bad variable named once', () => {
    let error: unknown;
    try {
      assertConfigs([GatewayEnv, UserProvisioningEnv, Hl7GatewayEnv], { LOG_LEVEL: 'loud', PORT: '3000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.filter((problem) => problem.startsWith('LOG_LEVEL:'))).toHaveLength(1);
    // Only the services that own data need a database: named, although the gateway's schema passed it by.
    expect(problems.some((problem) => problem.startsWith('DATABASE_URL:'))).toBe(true);
  });
});
