// UnoCSS: utility classes compiled at build time (no runtime style injection, so the CSP needs no inline script).
import { defineConfig, presetUno } from 'unocss';

export default defineConfig({
  presets: [presetUno({ dark: 'class' })],
  shortcuts: {
    btn: 'text-inherit px-3 py-1.5 rounded border border-gray-300 dark:border-gray-600 bg-white dark:bg-gray-800 hover:bg-gray-100 dark:hover:bg-gray-700 disabled:opacity-50 cursor-pointer',
    'btn-primary': 'px-3 py-1.5 rounded bg-blue-600 text-white hover:bg-blue-700 disabled:opacity-50 cursor-pointer',
    input:
      'box-border text-inherit px-2 py-1.5 rounded border border-gray-300 dark:border-gray-600 bg-white dark:bg-gray-900 w-full',
    card: 'rounded border border-gray-200 dark:border-gray-700 p-3 bg-white dark:bg-gray-800',
  },
});
