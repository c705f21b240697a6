/**
 * Some dependencies ship ESM only; Node 20's jest cannot require them, so swc turns them into
 * CommonJS like our own TypeScript. List such packages in ESM_ONLY.
 */
const ESM_ONLY = ['cookie', '@actions/workflow-parser', '@actions/expressions'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  // GitHub's workflow parser exports its modules under the `import` condition only, which jest's
  // CommonJS resolver does not try; point it at the files swc then turns into CommonJS.
  moduleNameMapper: { '^@actions/(workflow-parser|expressions)(/.*)?$': '<rootDir>/node_modules/@actions/$1/dist$2' },
  testTimeout: 20000,
};
