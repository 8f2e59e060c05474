/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // tsconfig sets isolatedModules, so ts-jest transpiles file by file (fast); the full
  // type check is `npm run typecheck`.
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // hyparquet and hyparquet-writer ship ES modules only; jest runs CommonJS.
    '/node_modules/hyparquet(-writer)?/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  // Generous limits for every test and for Testing Library's waits (test/setup/timeouts.ts).
  setupFilesAfterEnv: ['<rootDir>/test/setup/timeouts.ts', '<rootDir>/test/setup/jsdom.ts'],
  reporters: ['default', '<rootDir>/test/reporters/summaryLine.js'],
};
