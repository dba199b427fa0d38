import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The renderer holds no keys and no Node: keep it from reaching for them.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'child_process', 'os', 'net'],
              message: 'The renderer has no Node.',
            },
            {
              group: ['libsodium*', 'better-sqlite3', 'electron', 'ws'],
              message: 'Keys, storage and Electron stay in the main process.',
            },
            {
              group: ['**/main/**', '**/server/**', '**/preload/**'],
              message: 'The renderer talks to ParacordApi only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Hooks keep their rules; the compiler-era checks catch impure renders early.
    ...reactHooks.configs.flat.recommended,
    files: ['src/renderer/**/*.{ts,tsx}'],
  },
  {
    // The sandboxed preload loads no packages but electron: only dependency-free shared modules.
    files: ['src/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./shared/(api-names|api-errors|transport)$)',
              message: 'The preload may import only electron and dependency-free shared modules.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Only the thin shell may import electron.
    files: ['src/main/**/*.ts', 'src/server/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/main/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/shell may import electron.' }] },
      ],
    },
  },
)
