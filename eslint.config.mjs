// Lint rules that carry the architecture: apps never import other apps, contracts carry no framework
// code, and no promise is left floating (a lost rejection is lost data in an integration engine).
// Production code (apps, libs, bench) also gets typescript-eslint's recommendedTypeChecked; tests keep the
// base set, because their `any`-typed JSON answers (supertest/fetch bodies) would turn every assertion
// into a cast without catching anything.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const APPS =
  'gateway|patient-import|hl7-gateway|siu-ingestor|notifier|user-provisioning|hospital-sim|embedded|care-web';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    ignores: ['apps/care-web/**'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.medium-spec.ts', 'apps/care-web/**'],
    extends: [tseslint.configs.recommendedTypeChecked],
    rules: {
      // `_name` marks what is left out on purpose (a rest sibling, an interface's unused argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An async method that implements a Promise-returning interface reads better than Promise.resolve().
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Benchmarks read the platform's JSON answers as tests do: the `any` of a parsed body is their input.
    files: ['bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['apps/**/*.ts'],
    ignores: ['apps/embedded/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${APPS})/`,
              message: 'Apps never import other apps: talk over the bus (libs/contracts).',
            },
            { regex: '^(\\.\\./)+libs/', message: 'Import libs through their @bridge/* alias.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: `^(\\.\\./)+(apps)/`, message: 'Libs never depend on apps.' }] },
      ],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@nestjs/common', '@nestjs/core', 'typeorm', 'amqplib'].map((name) => ({
            name,
            message: 'Contracts are plain payload classes: validation and OpenAPI metadata only.',
          })),
        },
      ],
    },
  },
  {
    // The Care app (React, its own tsconfig): the project's rules plus the rules of hooks.
    files: ['apps/care-web/**/*.{ts,tsx}'],
    extends: [tseslint.configs.base],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      parserOptions: { project: './apps/care-web/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      // The rules of hooks; the React Compiler's stricter rules of v7's preset are not adopted (yet).
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['test/setup/*.ts', '**/*.d.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
