// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, no clocks or
// randomness outside @temporalio/workflow. These rules catch that before the bundler or replay does.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

// Text that is a visibility query: a filter on a system or search attribute (`WorkflowType = …`,
// `ExecutionStatus != …`, `AtlasCluster IN (…)`, `CloseTime > …`).
const VISIBILITY_ATTRIBUTES = [
  'WorkflowType',
  'WorkflowId',
  'ExecutionStatus',
  'CloseTime',
  'StartTime',
  'ExecutionTime',
  'BuildIds',
  'TemporalWorkerDeployment',
  'TemporalWorkerDeploymentVersion',
  'AtlasProject',
  'AtlasCluster',
  'BackupPhase',
  'DrSource',
  'DrTarget',
  'FleetId',
];
const VISIBILITY_QUERY = `/\\b(${VISIBILITY_ATTRIBUTES.join('|')})\\s*(=|!=|<|>|IN\\b|STARTS_WITH\\b)/`;
const SEARCH_ATTRIBUTE = '/^(AtlasProject|AtlasCluster|BackupPhase|DrSource|DrTarget|FleetId)$/';
const VISIBILITY_MESSAGE = 'Visibility queries are built only in src/runs (runsQuery and its named queries).';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'coverage/', 'test/fixtures/', 'test/.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Prettier wraps code at 120 but never splits strings, templates or comments: those are ours to keep short.
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  {
    // The environment is read in one place, src/config.ts; every other module is handed it from there.
    // (Before the workflow block: its own no-restricted-properties replaces this one for workflow files,
    // which may not touch `process` at all.)
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment through src/config.ts (processEnv).' },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            ...nodeBuiltins.map((m) => `node:${m}`),
            'undici',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/activity',
          ].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node built-ins, I/O or non-workflow Temporal packages.',
          })),
          patterns: [
            {
              group: ['**/activities/**', '**/atlas/**', '**/simulator/**', '**/cli/**', '**/client/**', '**/worker*'],
              message:
                'Workflows import only @temporalio/workflow and src/contract (activity types live in the contract).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow in a loop.' },
        { name: 'fetch', message: 'Workflows do no I/O; call an activity.' },
        { name: 'process', message: 'Workflows cannot read the environment; pass it in the input.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Non-deterministic outside the sandbox; use uuid4() from @temporalio/workflow.',
        },
      ],
    },
  },
  {
    // Small functions: declarative tables are objects, not functions, so they are not counted.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workflows/**', '**/cli/**'],
              message: 'Activities meet workflows only through src/contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../**'], message: 'The contract imports nothing else of ours: everything points down to it.' },
          ],
        },
      ],
    },
  },
  {
    // Visibility queries are built in one room (src/runs): a query string elsewhere escapes the
    // quoting, the search-attribute spelling and the one-backup-per-cluster rule kept there.
    files: ['src/**/*.ts'],
    ignores: ['src/runs/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal', 'TemplateElement'].map((node) => ({
          selector: `${node}[${node === 'Literal' ? 'value' : 'value.raw'}=${VISIBILITY_QUERY}]`,
          message: VISIBILITY_MESSAGE,
        })),
        {
          selector: `TemplateLiteral > MemberExpression[object.name=${SEARCH_ATTRIBUTE}][property.name='name']`,
          message: VISIBILITY_MESSAGE,
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
