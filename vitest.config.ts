import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that must run with nothing beside them: the MES outage test stops the machine's RabbitMQ broker, which
 * every other broker test uses.
 */
const alone = ['test/mes/outage.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      // Two files at once whatever the core count (vitest's default is cores - 1: one at a time on a 2-core machine,
      // where most files wait on child processes, databases and brokers, not on the CPU).
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...alone], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: alone, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
