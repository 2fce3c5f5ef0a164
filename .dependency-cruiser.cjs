/** Dependency direction (STYLE.md): domain ← instruments/statistics ← persistence/jobs/… ← apps. */
const lib = (name) => `^libs/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'apps-do-not-import-each-other-api', severity: 'error', from: { path: '^apps/(worker|cli)/' }, to: { path: '^apps/api/' } },
    { name: 'apps-do-not-import-each-other-worker', severity: 'error', from: { path: '^apps/(api|cli)/' }, to: { path: '^apps/worker/' } },
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    { name: 'libs-never-import-tests', severity: 'error', from: { path: '^(libs|apps)/' }, to: { path: '^test/' } },
    {
      name: 'domain-is-plain-ts',
      severity: 'error',
      from: { path: lib('domain') },
      to: { path: ['^libs/(?!domain/)', 'node_modules/(@nestjs|typeorm|bullmq|pg)/'] },
    },
    {
      name: 'pure-libs-stay-pure',
      severity: 'error',
      from: { path: '^libs/(instruments|statistics)/' },
      to: { path: ['^libs/(?!domain/|instruments/|statistics/)', 'node_modules/(@nestjs|typeorm|bullmq|pg|ioredis)/'] },
    },
    {
      name: 'instruments-and-statistics-are-siblings',
      severity: 'error',
      from: { path: '^libs/(instruments|statistics)/' },
      to: { path: '^libs/(instruments|statistics)/', pathNot: '^libs/$1/' },
    },
    { name: 'config-depends-on-nothing-of-ours', severity: 'error', from: { path: lib('config') }, to: { path: '^libs/(?!config/)' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['types', 'import', 'default'], extensions: ['.ts', '.js'] },
  },
};
