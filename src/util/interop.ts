// A CommonJS package imported with a dynamic import() has its named exports on the module
// under Node, but only a `default` export once esbuild has bundled it into a split chunk.
// `named(await import('pkg'))` gives the named exports either way.
export function named<T extends object>(module: T): T {
  const fallback = (module as { default?: unknown }).default;
  const onlyDefault = Object.keys(module).every((key) => key === 'default' || key === 'module.exports');
  return onlyDefault && fallback !== null && typeof fallback === 'object' ? (fallback as T) : module;
}
