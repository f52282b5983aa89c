// The mailer a command delivers invitations with: the global settings mail.from and
// mail.smtpUrl (a secret, decrypted with the master key only when it is set), and the outbox
// under $IAMCTL_HOME otherwise.
import path from 'node:path';
import { decryptSecret } from '../auth/secrets.js';
import { resolveSetting, settingString } from '../core/settings.js';
import { createMailer, type Delivery, type Mailer } from '../mail/mailer.js';
import { loadStoredSettings } from '../store/settings-repo.js';
import { MAIN_TENANT_ID } from '../store/tenant-repo.js';
import type { CommandContext } from './context.js';
import { loadMasterKey } from './master-key.js';

export async function mailerFor(ctx: CommandContext): Promise<Mailer> {
  const { db } = await ctx.store();
  const settings = await loadStoredSettings(db, { tenantId: MAIN_TENANT_ID });
  const stored = resolveSetting(settings, 'mail.smtpUrl').value;
  const smtpUrl = typeof stored === 'string' && stored !== '' ? decryptSecret(loadMasterKey(ctx.home, ctx.io.env), stored) : null;
  return createMailer({
    from: settingString(settings, 'mail.from'),
    smtpUrl,
    outboxDir: path.join(smtpUrl ? ctx.home : ctx.ensureHome(), 'outbox'),
  });
}

/** Where the invitation went, for the operator (stderr). */
export function describeDelivery(delivery: Delivery, to: string): string {
  return delivery.method === 'smtp' ? `invitation sent to ${to} by SMTP` : `invitation for ${to} written to ${delivery.path}`;
}
