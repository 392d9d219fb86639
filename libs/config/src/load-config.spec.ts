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

describe('metrics and tracing variables', () => {
  it('reads METRICS_PORT and refuses the gateway PORT, a port out of range and a non-URL OTLP endpoint', () => {
    expect(loadConfig(GatewayEnv, { PORT: '3000', METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(loadConfig(GatewayEnv, {}).METRICS_PORT).toBeUndefined();
    let error: unknown;
    try {
      loadConfig(GatewayEnv, {
        PORT: '3000',
        METRICS_PORT: '3000',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      });
    } catch (caught) {
      error = caught;
    }
    const problems = (error as ConfigError).problems;
    expect(problems.some((problem) => problem.startsWith('METRICS_PORT: must differ from PORT'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT:'))).toBe(true);
    expect(() => loadConfig(GatewayEnv, { METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('lets a service without an HTTP port use any metrics port, even the number the gateway has', () => {
    const env = {
      DATABASE_URL: 'postgres://x/y',
      SIGNING_KEY_PASSPHRASE: 'p'.repeat(32),
      ADMIN_CLIENT_ID: 'adm',
      ADMIN_CLIENT_SECRET: 's'.repeat(16),
    };
    expect(loadConfig(UserProvisioningEnv, { ...env, PORT: '9464', METRICS_PORT: '9464' }).METRICS_PORT).toBe(
      9464,
    );
  });

  describe('PASSWORD_SCRYPT_LOG2N', () => {
    const required = {
      DATABASE_URL: 'postgres://u@localhost/db',
      SIGNING_KEY_PASSPHRASE: 'x'.repeat(32),
      ADMIN_CLIENT_ID: 'admin',
      ADMIN_CLIENT_SECRET: 'y'.repeat(16),
    };

    it('defaults to 17 (N = 2^17), the production floor', () => {
      expect(loadConfig(UserProvisioningEnv, required).PASSWORD_SCRYPT_LOG2N).toBe(17);
      expect(
        loadConfig(UserProvisioningEnv, { ...required, PASSWORD_SCRYPT_LOG2N: '18' }).PASSWORD_SCRYPT_LOG2N,
      ).toBe(18);
    });

    it('refuses a lower cost unless NODE_ENV=test, and never below 2^10', () => {
      for (const NODE_ENV of [undefined, 'production', 'development']) {
        expect(() =>
          loadConfig(UserProvisioningEnv, { ...required, NODE_ENV, PASSWORD_SCRYPT_LOG2N: '16' }),
        ).toThrow(/PASSWORD_SCRYPT_LOG2N: must be at least 17/);
      }
      const testRun = loadConfig(UserProvisioningEnv, {
        ...required,
        NODE_ENV: 'test',
        PASSWORD_SCRYPT_LOG2N: '10',
      });
      expect(testRun.PASSWORD_SCRYPT_LOG2N).toBe(10);
      expect(() =>
        loadConfig(UserProvisioningEnv, { ...required, NODE_ENV: 'test', PASSWORD_SCRYPT_LOG2N: '9' }),
      ).toThrow(/PASSWORD_SCRYPT_LOG2N/);
    });
  });
});
