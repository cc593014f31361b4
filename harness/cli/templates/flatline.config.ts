// flatline's config, written by `npx flatline init`.
import { defineConfig } from 'flatline';

export default defineConfig({
  // What `npx flatline run` runs when given no files.
  scenarios: ['scenarios'],
  // Imported before any scenario, in every process of the run: where your subjects register.
  setup: ['./flatline/example-adapter.ts'],
  out: 'reports',
});
