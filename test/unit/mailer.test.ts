// Delivery: the outbox (.eml, 0600, in a 0700 folder) and SMTP against a real server on
// loopback, with credentials from the URL; failures are delivery_failed (exit 1).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invitationMessage } from '../../src/mail/invitation-message.js';
import { createMailer, discardDelivery } from '../../src/mail/mailer.js';
import { tokenIn } from '../helpers/fixtures.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const token = 'x'.repeat(20) + 'Y_-'.repeat(7) + '12';
const message = invitationMessage({
  invitationId: 'inv123',
  email: 'ada@acme.example',
  firstName: 'Ada',
  tenantName: 'Acme Ünïcode',
  token,
  expiresAt: '2026-01-18T10:00:00.000Z',
});

describe('mail delivery', () => {
  let smtp: TestSmtp | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iamctl-mail-'));
    dirs.push(d);
    return d;
  };

  it('the message names the tenant and carries the token on its own line', () => {
    expect(message.subject).toBe('Your invitation to Acme Ünïcode');
    expect(tokenIn(message.text)).toBe(token);
    expect(message.text).toContain('iamctl invite accept --token-stdin --password-stdin');
    expect(message.text).toContain('2026-01-18T10:00:00.000Z');
  });

  it('writes an .eml file (0600) into an outbox folder it creates (0700)', async () => {
    const outbox = path.join(tempDir(), 'outbox');
    const delivery = await createMailer({ from: 'iam@example.com', smtpUrl: null, outboxDir: outbox }).send(message);
    expect(delivery.method).toBe('outbox');
    const file = (delivery as { path: string }).path;
    expect(path.dirname(file)).toBe(outbox);
    expect(file).toMatch(/-inv123\.eml$/);
    expect(fs.statSync(outbox).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const eml = fs.readFileSync(file, 'utf8');
    expect(eml).toMatch(/^From: iam@example\.com$/m);
    expect(eml).toMatch(/^To: ada@acme\.example$/m);
    expect(eml).toMatch(/^X-Iamctl-Invitation: inv123$/m);
    expect(eml).toContain(`  ${token}\n`);
    discardDelivery(delivery);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('sends by SMTP with the credentials of the URL, from mail.from', async () => {
    smtp = await startSmtp({ user: 'mailer', pass: 'p@ss:word/1' });
    const outbox = path.join(tempDir(), 'outbox');
    const delivery = await createMailer({ from: 'iam@example.com', smtpUrl: smtp.url, outboxDir: outbox }).send(message);
    expect(delivery.method).toBe('smtp');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ from: 'iam@example.com', to: ['ada@acme.example'], user: 'mailer' });
    expect(smtp.received[0]!.raw).toContain(token);
    expect(fs.existsSync(outbox)).toBe(false);
  });

  it('refused credentials are a delivery failure (exit 1) that names the cause', async () => {
    smtp = await startSmtp({ user: 'mailer', pass: 'right' });
    const url = smtp.url.replace('right', 'wrong');
    await expect(createMailer({ from: 'iam@example.com', smtpUrl: url, outboxDir: tempDir() }).send(message)).rejects.toMatchObject({
      code: 'delivery_failed',
      message: expect.stringMatching(/authentication failed/),
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('a server that is not there is a delivery failure, without the password in the message', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const error = await createMailer({ from: 'iam@example.com', smtpUrl: `smtp://u:s3cr3t@127.0.0.1:${port}`, outboxDir: tempDir() })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'delivery_failed', message: expect.stringMatching(/connection refused/) });
    expect(JSON.stringify({ m: (error as Error).message, h: (error as { hint?: string }).hint })).not.toContain('s3cr3t');
  });
});
