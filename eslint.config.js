import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

/** @actions/core's writers: text for people leaves only through the story's gate (src/story/runner.ts). */
const WRITERS = [
  'info',
  'notice',
  'warning',
  'error',
  'debug',
  'setOutput',
  'setFailed',
  'summary',
  'startGroup',
  'group'
]
const THROUGH_THE_GATE =
  'Text for people leaves only through the gate: use the story (src/story/), which gates what it writes.'

/**
 * Every writer of text for people is in src/story/: elsewhere, the runner's writers, the issues
 * API, the console and the process's own streams are refused. test/unit/gate-rule.test.ts holds
 * that this rule bites.
 */
export const gateRule = {
  files: ['src/**/*.ts'],
  ignores: ['src/story/**'],
  rules: {
    'no-console': 'error',
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: '@actions/core', importNames: WRITERS, message: THROUGH_THE_GATE }],
        patterns: [{ group: ['**/github/issues.js'], message: THROUGH_THE_GATE }]
      }
    ],
    'no-restricted-syntax': [
      'error',
      { selector: 'ImportExpression[source.value=/github\\/issues|@actions\\/core/]', message: THROUGH_THE_GATE }
    ],
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'stdout', message: THROUGH_THE_GATE },
      { object: 'process', property: 'stderr', message: THROUGH_THE_GATE }
    ]
  }
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      'no-console': ['error', { allow: ['log', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_' }]
    }
  },
  {
    // The import graph of the action has no cycles, type-only imports included: a module a
    // moved type needs moves with it rather than reaching back.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })
      ]
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
  },
  {
    // Words for people are typed (src/text.ts): a Text glued into a plain string loses its
    // parts, and the story's gate would read an outside value as the action's own words.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowRegExp: false }
      ],
      '@typescript-eslint/restrict-plus-operands': 'error',
      '@typescript-eslint/no-base-to-string': 'error'
    }
  },
  gateRule,
  // Formatting is Prettier's alone (npm run format); ESLint keeps to correctness.
  prettier
)
