// Start-up cost: `iamctl --version` and a store-reading command (`tenant list`) against bare
// `node -e 0`, measured side by side. Aims: --version <= 1.3x, tenant list <= 1.6x.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bin, sideBySide, tempDir, timeProcess } from './lib.mjs';

export async function run() {
  const home = tempDir();
  const env = { ...process.env, IAMCTL_HOME: home, NO_COLOR: '1' };
  const init = spawnSync(process.execPath, [bin, 'init', '--admin-email', 'root@example.com', '--admin-first-name', 'Root', '--admin-password-stdin'], { input: 'Bench-Root-Pass1\n', env });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  for (const slug of ['acme', 'globex', 'initech']) spawnSync(process.execPath, [bin, 'tenant', 'create', slug, '--name', slug], { env });
  const node = process.execPath;
  const medians = sideBySide({
    node: () => timeProcess(node, ['-e', '0'], { env }),
    version: () => timeProcess(node, [bin, '--version'], { env }),
    tenantList: () => timeProcess(node, [bin, 'tenant', 'list'], { env }),
  });
  return [
    { figure: '`node -e 0` wall', value: medians.node, unit: 'ms' },
    { figure: '`iamctl --version` wall', value: medians.version, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.version / medians.node, aim: '<= 1.3x' },
    { figure: '`iamctl tenant list` wall', value: medians.tenantList, unit: 'ms', comparedTo: '`node -e 0`', ratio: medians.tenantList / medians.node, aim: '<= 1.6x' },
  ];
}

if (import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  console.table(await run());
}
