// ESLint for the admin app: typescript-eslint's type-checked recommended rules on the
// TypeScript sources, the rules of hooks on the React code, and plain recommended rules on
// the browser tests and this file.
//
// typescript-eslint needs the TypeScript compiler API, which TypeScript 7 does not ship yet:
// `typescript` is the TypeScript 6 compatibility package for it, while `typecheck` and
// `build` run the TypeScript 7 compiler from `typescript-go` (see package.json).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'e2e/screenshots/', 'test-results/']),
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `const { id: _id, ...input } = automation` is how the code leaves fields out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
