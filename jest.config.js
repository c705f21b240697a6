/**
 * Some dependencies ship ESM only; Node 20's jest cannot require them, so swc turns them into
 * CommonJS like our own TypeScript. List such packages in ESM_ONLY.
 */
const ESM_ONLY = ['cookie'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testTimeout: 20000,
};
