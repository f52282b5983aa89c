// Mail delivery for invitations (SPEC §6): an .eml file (0600) in $IAMCTL_HOME/outbox/ (0700)
// by default, or SMTP when mail.smtpUrl is set. nodemailer is imported only when a message is
// actually sent, so no other command pays for loading it.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers (e.g. X-Iamctl-Invitation). */
  headers?: Record<string, string>;
  /** Names the outbox file; letters, digits and hyphens. */
  tag: string;
}

export type Delivery = { method: 'outbox'; path: string } | { method: 'smtp'; messageId: string };

export interface Mailer {
  send(message: MailMessage): Promise<Delivery>;
}

export interface MailConfig {
  from: string;
  /** Decrypted SMTP URL, or null for the outbox. */
  smtpUrl: string | null;
  outboxDir: string;
}

// Delivery runs inside the invitation's transaction (so a failure stores nothing); these bound
// how long an unresponsive server can hold it.
const smtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function createMailer(config: MailConfig): Mailer {
  return {
    async send(message) {
      const nodemailer = await import('nodemailer');
      const mail = { from: config.from, to: message.to, subject: message.subject, text: message.text, headers: message.headers ?? {} };
      if (config.smtpUrl) {
        const transport = nodemailer.createTransport({ url: config.smtpUrl, ...smtpTimeouts });
        try {
          const info = await transport.sendMail(mail);
          return { method: 'smtp', messageId: String(info.messageId) };
        } catch (error) {
          throw new AppError('delivery_failed', `cannot send the invitation by SMTP: ${describeSmtpError(error)}`, {
            hint: 'nothing was changed; check the setting mail.smtpUrl (or unset it to deliver to the outbox)',
            cause: error,
          });
        } finally {
          transport.close();
        }
      }
      const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const info = await transport.sendMail(mail);
      return { method: 'outbox', path: writeToOutbox(config.outboxDir, message.tag, info.message as Buffer) };
    },
  };
}

function writeToOutbox(dir: string, tag: string, content: Buffer): string {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = path.join(dir, `${stamp}-${tag.replace(/[^A-Za-z0-9-]/g, '')}.eml`);
    // 'wx': never overwrite; the mode also holds without the CLI's umask (library use).
    fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    return file;
  } catch (error) {
    throw new AppError('delivery_failed', `cannot write the invitation to the outbox ${dir}: ${(error as Error).message}`, {
      hint: 'nothing was changed; check that $IAMCTL_HOME is writable',
      cause: error,
    });
  }
}

function describeSmtpError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  // nodemailer wraps socket errors (code ESOCKET); the system code stays in the message.
  const system = /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT)\b/.exec(e.message ?? '')?.[1] ?? e.code;
  if (system === 'ECONNREFUSED') return 'connection refused';
  if (system === 'ENOTFOUND') return 'host not found';
  if (system === 'ETIMEDOUT' || e.code === 'ETIMEDOUT') return 'timed out';
  if (e.code === 'EAUTH') return 'authentication failed';
  if (e.responseCode) return `the server answered ${e.responseCode}${e.response ? ` (${e.response.split('\n')[0]})` : ''}`;
  return e.message ?? String(error);
}

/** Deletes an outbox file written for a change that then failed to commit. */
export function discardDelivery(delivery: Delivery): void {
  if (delivery.method === 'outbox') fs.rmSync(delivery.path, { force: true });
}
