/**
 * The dependency rule, held by a tool: `npm run lint` (and so `npm test`) runs
 * `depcruise src --config .dependency-cruiser.cjs`, which fails naming the rule a new import breaks.
 *
 *   domain  ←  wording (shared words)  ←  cards, email  ←  bot, runtime, server, store, graph, …  ←  app (the composition root)
 *
 * Type-only imports count (tsPreCompilationDeps): a domain type that names a store type is still a
 * dependency on the store. tests/lint/dependency-rules.test.ts proves each rule can fail.
 */

/** The npm packages the domain may use: dates and schemas, nothing with I/O. */
const DOMAIN_PACKAGES = ['date-fns', '@date-fns/tz', 'zod'];
/** The npm packages cards and email may use besides the domain's. */
const CARD_AND_EMAIL_PACKAGES = ['adaptivecards-templating', 'email-reply-parser', 'lru-cache'];

const packages = (names) => `(^|/)node_modules/(${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      severity: 'error',
      comment:
        'src/domain is the pure core: it imports only src/domain, the JSON data it is built from (data/), ' +
        `and ${DOMAIN_PACKAGES.join(', ')}. No adapter, no Node built-in, no other package. Pass values in instead.`,
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^data/[^/]+\\.json$', packages(DOMAIN_PACKAGES)] },
    },
    {
      name: 'cards-and-email-import-only-domain',
      severity: 'error',
      comment:
        'src/cards and src/email turn the domain into what people read: they import only src/domain, ' +
        'their own folder, the words both share (src/wording/), their templates (adaptive-cards/) and their libraries ' +
        `(${[...DOMAIN_PACKAGES, ...CARD_AND_EMAIL_PACKAGES].join(', ')}).`,
      from: { path: '^src/(cards|email|wording)/' },
      to: {
        pathNot: [
          '^src/domain/',
          '^src/$1/',
          '^src/wording/',
          '^adaptive-cards/[^/]+\\.json$',
          packages([...DOMAIN_PACKAGES, ...CARD_AND_EMAIL_PACKAGES]),
        ],
      },
    },
    {
      name: 'adapters-never-import-composition-root',
      severity: 'error',
      comment: 'src/app wires everything together; nothing else in src imports it (pass what you need in).',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'product-never-imports-emulator',
      severity: 'error',
      comment:
        'The product (src) never imports the Microsoft 365 emulator (packages/m365-emulator) or the ' +
        'development tools (tools/); tests and local mode may.',
      from: { path: '^src/' },
      to: { path: ['^packages/', '^tools/', 'node_modules/@concord/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules in src do not import each other in a cycle; move the shared part down a layer.',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
    {
      name: 'no-circular-folders',
      // A warning while the known folder cycles (runtime ↔ server, store → graph → runtime → store) are
      // being broken; make it an error once `npm run lint` shows none.
      severity: 'warn',
      comment:
        'Folders in src do not depend on each other in a cycle either (runtime → server → runtime is one ' +
        'layer pretending to be two): the lower folder takes what it needs as a parameter.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
