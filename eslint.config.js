import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/generated/', 'coverage/', 'data/', 'e2e/output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'error',
    },
  },
  {
    // Plain JavaScript (browser scripts, config files, migration scripts) is outside tsconfig.json:
    // lint it without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['public/js/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**', 'bench/**', 'e2e/**', 'packages/autotask-simulator/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The Autotask client is a self-contained library: its own folder, zod, axios and Node's
    // built-ins, nothing of the app. What it needs from the app (zone cache, API call recorder,
    // logger) it declares as an interface, and the app passes an implementation in.
    // test/foundation/architecture.test.ts checks the same, dynamic imports included.
    files: ['src/autotask/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)\\.\\.(/|$)',
              message:
                'The Autotask client imports only from its own folder: declare an interface here and let the app pass an implementation in.',
            },
            {
              regex: '^(?!\\./|\\.\\./|node:|zod$|axios$)',
              message: 'The Autotask client depends only on its own folder, zod, axios and node:* built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    // The ConnectWise client is self-contained in the same way as the Autotask one
    // (test/connectwise/self-contained.test.ts checks it too).
    files: ['src/connectwise/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)\\.\\.(/|$)',
              message:
                'The ConnectWise client imports only from its own folder: declare an interface here and let the app pass an implementation in.',
            },
            {
              regex: '^(?!\\./|\\.\\./|node:|zod$|axios$)',
              message: 'The ConnectWise client depends only on its own folder, zod, axios and node:* built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    // The Autotask and ConnectWise simulators stand in for the PSAs, built from their documented wire formats:
    // nothing of the app (whose clients they have to catch out), only their own files, express, zod and Node.
    files: ['packages/autotask-simulator/src/**/*.ts', 'packages/connectwise-simulator/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./(?!\\.\\./)|node:|express$|zod$)',
              message:
                'The simulator depends only on its own files, express, zod and node:* built-ins, never on the app.',
            },
          ],
        },
      ],
    },
  },
);
