import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment into a validated schema object. Every bad variable is named at once, so an
 * operator fixes the whole configuration in one go instead of one crash per variable.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const config = plainToInstance(schema, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const problems = validateSync(config, { whitelist: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map(
      (message) =>
        `${error.property}: ${message} (got ${describeValue(error.property, env[error.property])})`,
    ),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function describeValue(name: string, value: string | undefined): string {
  if (value === undefined || value === '') return 'nothing';
  return /SECRET|PASSWORD|KEY/i.test(name) ? 'a value (hidden)' : JSON.stringify(value);
}

/**
 * Checks one environment against the schemas of every service a process hosts (the embedded default),
 * naming every bad variable once, before any service starts.
 */
export function assertConfigs(schemas: (new () => object)[], env: NodeJS.ProcessEnv = process.env): void {
  const problems = new Set<string>();
  for (const schema of schemas) {
    try {
      loadConfig(schema, env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      error.problems.forEach((problem) => problems.add(problem));
    }
  }
  if (problems.size > 0) throw new ConfigError([...problems]);
}
