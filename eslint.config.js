// Lint rules for upwatch: type-checked typescript-eslint, Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The boundaries of STYLE.md as `no-restricted-imports` zones. ESLint keeps one option set per rule and file (the last
// matching block wins), so every block below carries the whole set: the library owners plus the file's own zone.

/** Each adapter is the only importer of its library. */
const LIBRARIES = [
  { name: 'better-sqlite3', owners: ['src/store/**'], use: 'a repository or the Store from src/store/' },
  { name: 'axios', owners: ['src/providers/http.ts'], use: 'the HttpClient from src/providers/http.ts' },
  { name: 'nodemailer', owners: ['src/alerts/email.ts'], use: 'the MailTransport from src/alerts/email.ts' },
  { name: 'node-cron', owners: ['src/scheduler/**'], use: 'the Scheduler from src/scheduler/' },
  // src/docs/parse-yaml.ts parses watched YAML docs and OpenAPI specs with source positions (docs/decisions.md).
  {
    name: 'yaml',
    owners: ['src/contracts/**', 'src/docs/parse-yaml.ts'],
    use: 'src/contracts/ or src/docs/parse-yaml.ts',
  },
  { name: 'ajv', owners: ['src/contracts/**'], use: 'the validators in src/contracts/' },
  { name: 'ajv-formats', owners: ['src/contracts/**'], use: 'the validators in src/contracts/' },
  { name: '@resvg/resvg-js', owners: ['src/alerts/png.ts'], use: 'the PngRenderer from src/alerts/png.ts' },
  { name: 'pg', owners: ['src/store/pg/**'], use: 'the Store port opened by openPgStore (src/store/pg/)' },
  { name: 'pg-boss', owners: ['src/fleet/queue.ts'], use: 'the FleetQueue from src/fleet/queue.ts' },
];

/**
 * Layers that may import only the modules named in `allow` (paths under src/, a trailing `/` for a folder), besides
 * their own folder. An exception names its files, what else they may import, and why.
 */
const ZONES = [
  {
    folder: 'core',
    allow: [],
    why: 'core/ holds the types and pure helpers every layer builds on: it imports nothing internal',
  },
  {
    folder: 'detectors',
    // The deprecation detectors are thin adapters over the header, changelog and OpenAPI analysers (pure functions of
    // text) and the built-in version calendar (static data): detection logic that lives beside its parsers.
    allow: ['core/', 'deprecation/', 'knowledge/'],
    why: 'detectors are pure: history and options in, findings out (core/, deprecation/ and knowledge/ only)',
  },
  {
    folder: 'findings',
    allow: ['core/'],
    why: 'findings logic is pure and imports only core/',
    exceptions: [
      {
        // The user's actions on a stored finding (accept, acknowledge) read and write findings through the findings
        // port (core/findings-repo.ts), but still write audit rows and decisions through src/store/ repositories
        // until those have ports too.
        files: ['src/findings/accept.ts', 'src/findings/acknowledge.ts'],
        allow: ['store/'],
      },
    ],
  },
  {
    folder: 'gate',
    // The gate names each blocking finding with the findings' own title (pure, core-only).
    allow: ['core/', 'findings/title.js'],
    why: 'the gate decision is pure and imports only core/ (and the findings title)',
    exceptions: [
      {
        // checkGate reads active findings, overrides and decisions; overrideFeature writes an override with its audit
        // row. Findings come through the findings port; overrides, decisions and audit still go through src/store/
        // repositories until they have ports too.
        files: ['src/gate/check-gate.ts', 'src/gate/override.ts'],
        allow: ['store/'],
      },
    ],
  },
];

const SOURCE_FILES = { files: ['src/**/*.ts'], ignores: ['**/*.test.ts'] };
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function libraryPatterns(file) {
  return LIBRARIES.filter((l) => !l.owners.includes(file)).map((l) => ({
    regex: `^${escape(l.name)}(/|$)`,
    message: `only ${l.owners.join(' and ')} import ${l.name}: use ${l.use}`,
  }));
}

/** A pattern refusing, from a file `depth` folders below src/<folder>/, any import out of the folder not in `allow`. */
function zonePattern(zone, depth, allow) {
  const allowed = allow.map((a) => (a.endsWith('/') ? escape(a) : `${escape(a)}$`)).join('|');
  return {
    regex: `^(\\.\\./){${depth}}${allowed ? `(?!(${allowed}))` : ''}`,
    message: zone.why,
  };
}

function importRules(owner, zonePatterns = []) {
  return { 'no-restricted-imports': ['error', { patterns: [...libraryPatterns(owner), ...zonePatterns] }] };
}

const boundaryBlocks = [
  { ...SOURCE_FILES, rules: importRules(undefined) },
  ...[...new Set(LIBRARIES.flatMap((l) => l.owners))].map((owner) => ({
    files: [owner],
    ignores: SOURCE_FILES.ignores,
    rules: importRules(owner),
  })),
  ...ZONES.flatMap((zone) =>
    [1, 2, 3].flatMap((depth) => {
      const files = [`src/${zone.folder}/${'*/'.repeat(depth - 1)}*.ts`];
      return [
        {
          files,
          ignores: SOURCE_FILES.ignores,
          rules: importRules(undefined, [zonePattern(zone, depth, zone.allow)]),
        },
        ...(zone.exceptions ?? [])
          .filter(() => depth === 1)
          .map((x) => ({
            files: x.files,
            rules: importRules(undefined, [zonePattern(zone, depth, [...zone.allow, ...x.allow])]),
          })),
      ];
    }),
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.upwatch/**', 'bin/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A promise returned inside try/finally must be awaited there, or the finally (closing a store) runs first.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Only the CLI, benchmarks and scripts talk to the terminal.
    files: ['src/cli/**', 'bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // A function longer than a screen hides its phases: name them as functions. One that stays longer says why beside
    // it (eslint-disable-next-line … -- reason). Not for tests nor the simulator's scenario tables (data).
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/sim/scenarios/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...boundaryBlocks,
  prettier,
);
