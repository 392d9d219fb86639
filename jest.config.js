// One jest run covers unit and medium tests (beside the code) and e2e suites (test/).
// @swc/jest compiles with decorator metadata, so Nest DI works exactly as in the build.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = __dirname;

const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
  // A few ESM-only dependencies (of @fastify/static, behind /docs) are compiled to CommonJS for jest.
  '^.+\\.m?js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' }, jsc: { target: 'es2022' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition)/)'];
const moduleNameMapper = { '^@bridge/(.*)$': '<rootDir>/libs/$1/src/index.ts' };

module.exports = {
  // jest's default on two cores is one worker (cores - 1), which runs in band. The suites mostly wait on
  // timers, sockets and PostgreSQL, so two workers overlap those waits: measured on the CI machine (2 cores),
  // `npm test` 358 s -> 151 s, the distributed e2e run 395 s -> 205 s, the browser run 124 s -> 84 s.
  maxWorkers: Math.max(2, require('node:os').availableParallelism() - 1),
  reporters: ['default', '<rootDir>/libs/testing/src/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/validation-cross-check.ts'],
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      // Of the Care app (browser code), only its i18n catalogues have unit tests.
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/care-web/(?!src/i18n/)'],
    },
    {
      // Medium tests (`*.medium-spec.ts` beside the code): a service's own classes with its real repositories
      // on the embedded PostgreSQL (its migrations run), only other services faked. Part of `npm test`.
      displayName: 'medium',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/**/*.medium-spec.ts', '<rootDir>/libs/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: [
        '<rootDir>/test/setup/long-timeouts.ts',
        '<rootDir>/test/setup/validation-cross-check.ts',
      ],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      moduleNameMapper,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: [
        '<rootDir>/test/setup/long-timeouts.ts',
        '<rootDir>/test/setup/validation-cross-check.ts',
      ],
    },
    {
      // Needs RabbitMQ (and restarts its own broker nodes): run by `npm run test:infra` only.
      displayName: 'infra',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      moduleNameMapper,
      testMatch: ['<rootDir>/test/infra/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: [
        '<rootDir>/test/setup/long-timeouts.ts',
        '<rootDir>/test/setup/validation-cross-check.ts',
      ],
    },
    {
      // Headless Chromium against the Care app screens: `npm run test:browser` (needs the chromium package).
      displayName: 'browser',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles: ['reflect-metadata'],
      setupFilesAfterEnv: [
        '<rootDir>/test/setup/long-timeouts.ts',
        '<rootDir>/test/setup/validation-cross-check.ts',
      ],
      moduleNameMapper,
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
