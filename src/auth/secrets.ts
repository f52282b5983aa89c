// Reversible secrets (SPEC §6): AES-256-GCM under the master key. The envelope is
// "v1:<iv>:<tag>:<ciphertext>" in base64url, so a stored value is recognisable and versioned.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { resolveSetting } from '../core/settings.js';
import type { StoredSettings } from '../store/settings-repo.js';

export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export function parseMasterKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new AppError('validation', 'the master key must be 32 bytes, base64-encoded', {
      hint: 'check IAMCTL_MASTER_KEY or $IAMCTL_HOME/master.key',
    });
  }
  return key;
}

export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

export function decryptSecret(key: Buffer, envelope: string): string {
  const [version, iv, tag, body] = envelope.split(':');
  if (version !== 'v1' || !iv || !tag || body === undefined) {
    throw new AppError('internal', 'a stored secret is not in a known format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AppError('validation', 'a stored secret cannot be decrypted with this master key', {
      hint: 'operators sharing a store must share the master key (IAMCTL_MASTER_KEY or $IAMCTL_HOME/master.key)',
      cause: error,
    });
  }
}

/**
 * The plaintext of a secret setting (`ai.openaiApiKey`, `mail.smtpUrl`), stored encrypted under
 * the master key; null when unset.
 */
export function secretSettingValue(stored: StoredSettings, key: string, masterKey: Buffer): string | null {
  const value = resolveSetting(stored, key).value;
  return typeof value === 'string' ? decryptSecret(masterKey, value) : null;
}
