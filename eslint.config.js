// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint` (part of `npm test`). Besides the recommended TypeScript rules it enforces the
 * layers: the pure core (src/core/) imports no DOM, tfjs, React or Node module, so Node and the
 * browser share it.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'dist-lib/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.cache/**', 'public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}', 'src/lib/**/*.{ts,tsx}', 'src/shop/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'zlib', 'child_process', 'url', 'util'], message: 'src/core is pure: no Node modules (put file access in src/node/).' },
            { group: ['@tensorflow/*'], message: 'src/core is pure: no tfjs (put tensors in src/tfjs/ or src/neural/).' },
            { group: ['react', 'react-dom', 'react-dom/*'], message: 'src/core is pure: no React (put UI in src/app/).' },
            { group: ['../../app/*', '../../node/*', '../../neural/*', '../../tfjs/*', '../../recommenders/*', '../../evaluation/*', '../../embedders/*'], message: 'src/core depends on nothing outside src/core.' },
            { group: ['../app/*', '../node/*', '../neural/*', '../tfjs/*', '../recommenders/*', '../evaluation/*', '../embedders/*'], message: 'src/core depends on nothing outside src/core.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/core is pure: no DOM.' },
        { name: 'document', message: 'src/core is pure: no DOM.' },
        { name: 'navigator', message: 'src/core is pure: no DOM.' },
        { name: 'localStorage', message: 'src/core is pure: no DOM.' },
        { name: 'fetch', message: 'src/core is pure: inject a reader (see artifacts/loader.ts).' },
        { name: 'process', message: 'src/core is pure: no Node globals.' },
        { name: 'Buffer', message: 'src/core is pure: no Node globals.' },
      ],
    },
  },
);
