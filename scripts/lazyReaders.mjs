// Readers of the big formats, split out of the node bundles (about 7 of the
// engine worker's 8 MB: h5wasm's HDF5 library and the Zarr codecs). Each is
// its own CommonJS bundle in <outdir>/lazy/; in the node bundles the source's
// `import('<package>')` becomes a `require('./lazy/<name>.js')` relative to the
// bundle, run on the first call (an HDF5 / NetCDF-4 file or a Zarr store
// opened), so starting the engine or the extension does not read or compile
// them. Used by scripts/build.mjs and the test of the split.

/** Package -> sidecar bundle name. */
export const LAZY = { 'h5wasm/node': 'h5wasm', zarrita: 'zarrita', '@zarrita/storage': 'zarrita-storage' };
/** Those with a default export (re-exported as such). */
const WITH_DEFAULT = new Set(['h5wasm/node']);
const packages = new RegExp(`^(${Object.keys(LAZY).map((k) => k.replace(/[/@]/g, '\\$&')).join('|')})$`);

/** esbuild plugin of the node bundles: the packages above load from ./lazy/ on first use. */
export const lazyReaders = {
  name: 'lazy-readers',
  setup(build) {
    build.onResolve({ filter: packages }, (a) => ({ path: a.path, namespace: 'lazy-reader' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-reader' }, (a) => ({ contents: `module.exports = require('./lazy/${LAZY[a.path]}.js');`, loader: 'js' }));
    build.onResolve({ filter: /^\.\/lazy\// }, (a) => (a.namespace === 'lazy-reader' ? { path: a.path, external: true } : undefined));
  },
};

/** esbuild options of the sidecar bundles (CommonJS, into `outdir`); `root` resolves the packages. */
export function lazyReaderBundles(outdir, root) {
  return {
    entryPoints: Object.fromEntries(Object.entries(LAZY).map(([pkg, name]) => [name, `lazy-entry:${pkg}`])),
    outdir,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [{
      name: 'lazy-entries',
      setup(build) {
        build.onResolve({ filter: /^lazy-entry:/ }, (a) => ({ path: a.path.slice('lazy-entry:'.length), namespace: 'lazy-entry' }));
        build.onLoad({ filter: /.*/, namespace: 'lazy-entry' }, (a) => ({ contents: `export * from '${a.path}';${WITH_DEFAULT.has(a.path) ? `\nexport { default } from '${a.path}';` : ''}`, loader: 'js', resolveDir: root }));
      },
    }],
  };
}
