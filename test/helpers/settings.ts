// Writes setting rows directly (the settings commands are built elsewhere): tenant_settings,
// tenant 'main' for global values; secrets encrypted under the master key, as the tool keeps them.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { encryptSecret, parseMasterKey } from '../../src/auth/secrets.js';
import type { Database } from '../../src/store/schema.js';

export async function putSetting(db: Kysely<Database>, tenantId: string, key: string, value: unknown): Promise<void> {
  const row = { tenant_id: tenantId, key, value: JSON.stringify(value), updated_at: new Date().toISOString(), updated_by: null };
  await db
    .insertInto('tenant_settings')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: row.value, updated_at: row.updated_at }))
    .execute();
}

export async function putSecretSetting(db: Kysely<Database>, key: string, plaintext: string, masterKey: Buffer): Promise<void> {
  await putSetting(db, 'main', key, encryptSecret(masterKey, plaintext));
}

/** The master key `init` wrote to $IAMCTL_HOME/master.key. */
export function masterKeyOf(home: string): Buffer {
  return parseMasterKey(fs.readFileSync(path.join(home, 'master.key'), 'utf8'));
}
