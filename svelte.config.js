// Shared by vite (renderer build), vitest and svelte-check.
export default {
  compilerOptions: { runes: true },
};
