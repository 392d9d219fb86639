// Lint rules that carry the architecture: apps never import other apps, contracts carry no framework
// code, and no promise is left floating (a lost rejection is lost data in an integration engine).
import tseslint from 'typescript-eslint';

const APPS = 'gateway|patient-import|hl7-gateway|siu-ingestor|notifier|user-provisioning|hospital-sim|embedded|care-web';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'apps/care-web/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
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
            { regex: `^(\\.\\./)+(${APPS})/`, message: 'Apps never import other apps: talk over the bus (libs/contracts).' },
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
    files: ['test/setup/*.ts', '**/*.d.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
