import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import { boundaryRules, TEST_FILES } from './eslint.boundaries.js'

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'data', 'coverage', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      // Type-aware rules read every tsconfig; plain JavaScript files get the default project.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // The promise rules are the point of type-aware lint: a dropped promise is a lost error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // Scripts and configs in JavaScript are checked without types.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...boundaryRules,
  {
    // The renderer runs in a browser window.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Hooks keep their rules; the compiler-era checks catch impure renders early.
    ...reactHooks.configs.flat.recommended,
    files: ['src/renderer/**/*.{ts,tsx}'],
  },
  {
    // The sandboxed preload loads no packages but electron: only dependency-free shared modules
    // and its own files (its tests run in Node and may import what they check against).
    files: ['src/preload/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(?!electron$|\\./[a-z-]+$|\\.\\./shared/(api-names|api-errors|transport|desktop-api)$)',
              message: 'The preload may import only electron and dependency-free shared modules.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
)
