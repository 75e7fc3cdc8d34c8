import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**', 'dist.*/**', 'test/.tmp/**', '.stryker-tmp*/**', 'reports/**', '**/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', io: 'readonly', localStorage: 'readonly', console: 'readonly', module: 'writable', require: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', location: 'readonly', navigator: 'readonly', sessionStorage: 'readonly', URL: 'readonly', fetch: 'readonly', Audio: 'readonly', Notification: 'readonly', EventSource: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', crypto: 'readonly', history: 'readonly', Intl: 'readonly', HTMLElement: 'readonly', customElements: 'readonly', requestAnimationFrame: 'readonly' },
    },
  },
);
