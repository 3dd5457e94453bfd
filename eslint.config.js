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
    // The Autotask client is a self-contained library: its own folder, the PSA HTTP kit it shares
    // with the ConnectWise client (src/psa-http/), zod, axios and Node's built-ins, nothing else of
    // the app. What it needs from the app (zone cache, API call recorder, logger) it declares as an
    // interface, and the app passes an implementation in.
    // test/foundation/architecture.test.ts checks the same, dynamic imports included.
    files: ['src/autotask/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // `..` anywhere, except `../psa-http/<file>`.
              regex: '^(?!\\.\\./psa-http/[^./][^/]*$).*(^|/)\\.\\.(/|$)',
              message:
                'The Autotask client imports only from its own folder and ../psa-http/: declare an interface here and let the app pass an implementation in.',
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
    // The ConnectWise client is self-contained in the same way as the Autotask one, with the same
    // one exception, src/psa-http/ (test/connectwise/self-contained.test.ts checks it too).
    files: ['src/connectwise/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // `..` anywhere, except `../psa-http/<file>`.
              regex: '^(?!\\.\\./psa-http/[^./][^/]*$).*(^|/)\\.\\.(/|$)',
              message:
                'The ConnectWise client imports only from its own folder and ../psa-http/: declare an interface here and let the app pass an implementation in.',
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
    // The HTTP kit both PSA clients share (API call log, JSON readers, transport with deadline,
    // retry timing) is as self-contained as they are: its own folder, zod, axios and node:*, and
    // nothing of either client, so neither grows a dependency on the other through it
    // (test/foundation/architecture.test.ts checks it too).
    files: ['src/psa-http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)\\.\\.(/|$)',
              message:
                'The PSA HTTP kit imports only from its own folder: what differs between the PSAs is passed in by the client.',
            },
            {
              regex: '^(?!\\./|node:|zod$|axios$)',
              message: 'The PSA HTTP kit depends only on its own folder, zod, axios and node:* built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    // The Autotask and ConnectWise simulators stand in for the PSAs, built from their documented wire formats:
    // nothing of the app (whose clients they have to catch out), only their own files, the simulator kit they share
    // (packages/simulator-kit), express, zod and Node. The kit itself keeps to the same.
    files: [
      'packages/autotask-simulator/src/**/*.ts',
      'packages/connectwise-simulator/src/**/*.ts',
      'packages/simulator-kit/src/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./(?!\\.\\./)|node:|express$|zod$|@backupchecks/simulator-kit$)',
              message:
                'The simulator depends only on its own files, the simulator kit, express, zod and node:* built-ins, never on the app.',
            },
          ],
        },
      ],
    },
  },
);
