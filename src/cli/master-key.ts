// The master key for reversible secrets (SPEC §6): IAMCTL_MASTER_KEY, else
// $IAMCTL_HOME/master.key (0600), which `init` creates. Operators sharing a PostgreSQL store
// share it out of band.
import fs from 'node:fs';
import path from 'node:path';
import { newMasterKey, parseMasterKey } from '../auth/secrets.js';
import { AppError } from '../core/errors.js';

export function masterKeyPath(home: string): string {
  return path.join(home, 'master.key');
}

/** Creates the key file when there is neither an environment key nor a file. */
export function ensureMasterKey(home: string, env: NodeJS.ProcessEnv): 'env' | 'existing' | 'created' {
  if (env.IAMCTL_MASTER_KEY) {
    parseMasterKey(env.IAMCTL_MASTER_KEY);
    return 'env';
  }
  const file = masterKeyPath(home);
  try {
    fs.writeFileSync(file, newMasterKey() + '\n', { mode: 0o600, flag: 'wx' });
    return 'created';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'existing';
    throw error;
  }
}

export function loadMasterKey(home: string, env: NodeJS.ProcessEnv): Buffer {
  if (env.IAMCTL_MASTER_KEY) return parseMasterKey(env.IAMCTL_MASTER_KEY);
  const file = masterKeyPath(home);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation', `no master key: set IAMCTL_MASTER_KEY or provide ${file}`, {
      hint: 'operators sharing a store share the key that `iamctl init` created',
    });
  }
  return parseMasterKey(text);
}
