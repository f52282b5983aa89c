// Core-test fixtures on a real store: an initialized store with a super admin, two tenants,
// users made through the real use cases, principals from real sign-ins, and a mailer that
// keeps what it was asked to send.
import { authenticateSession, login } from '../../src/auth/sessions.js';
import type { Principal } from '../../src/auth/principal.js';
import { initStore } from '../../src/core/init.js';
import type { User } from '../../src/core/model.js';
import { createTenant } from '../../src/core/tenants.js';
import { createUser } from '../../src/core/users.js';
import type { Delivery, Mailer, MailMessage } from '../../src/mail/mailer.js';
import type { TenantRow, UserRow } from '../../src/store/schema.js';
import { findTenantBySlug } from '../../src/store/tenant-repo.js';
import type { TestStore } from './store.js';

export const rootEmail = 'root@example.com';
export const rootPassword = 'Sup3r-Secret-Root';
export const goodPassword = 'Correct-Horse-42';

export interface Seeded {
  root: Principal;
  acme: TenantRow;
  globex: TenantRow;
  /** An active user with a password in a tenant (acme by default). */
  activeUser(email: string, options?: { roles?: string[]; tenant?: TenantRow; password?: string }): Promise<User>;
  /** Signs in and returns the principal and the session token. */
  signIn(email: string, password?: string): Promise<{ principal: Principal; token: string; sessionId: string }>;
  row(email: string): Promise<UserRow>;
}

export async function seed(t: TestStore): Promise<Seeded> {
  const init = await initStore(t.deps, { email: rootEmail, firstName: 'Root', password: rootPassword });
  const root = await authenticateSession(t.deps, init.token);
  await createTenant(t.deps, root, { slug: 'acme', name: 'Acme' });
  await createTenant(t.deps, root, { slug: 'globex', name: 'Globex' });
  const acme = (await findTenantBySlug(t.store.db, 'acme'))!;
  const globex = (await findTenantBySlug(t.store.db, 'globex'))!;
  const self: Seeded = {
    root,
    acme,
    globex,
    async activeUser(email, options = {}) {
      const tenant = options.tenant ?? acme;
      const created = await createUser(t.deps, root, tenant.id, {
        email,
        firstName: 'Test',
        roles: options.roles ?? ['viewer'],
        password: options.password ?? goodPassword,
      });
      return created.user;
    },
    async signIn(email, password = goodPassword) {
      const result = await login(t.deps, { email, password });
      return { principal: await authenticateSession(t.deps, result.token), token: result.token, sessionId: result.session.id };
    },
    async row(email) {
      return t.store.db.selectFrom('users').selectAll().where('email_lower', '=', email.toLowerCase()).executeTakeFirstOrThrow();
    },
  };
  return self;
}

export interface CapturingMailer extends Mailer {
  sent: MailMessage[];
  /** When set, the next sends throw it (a server that refuses). */
  failWith: Error | null;
}

export function capturingMailer(): CapturingMailer {
  const mailer: CapturingMailer = {
    sent: [],
    failWith: null,
    async send(message): Promise<Delivery> {
      if (mailer.failWith) throw mailer.failWith;
      mailer.sent.push(message);
      return { method: 'smtp', messageId: `<${mailer.sent.length}@test>` };
    },
  };
  return mailer;
}

/** The token in an invitation message (its own indented line). */
export function tokenIn(text: string): string {
  const match = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(text);
  if (!match) throw new Error(`no token in message:\n${text}`);
  return match[1]!;
}
