/**
 * @swc/jest strips types without type-checking: one cdktf spec takes ~1 s
 * instead of ~13 s under ts-jest. Types are checked once by `npm run typecheck`.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  maxWorkers: 2,
};
