// The invitation email: who is invited where, the token, and how to use it (once, before it
// expires). Plain text, so it reads the same in a terminal mail client and in the .eml file.
import type { MailMessage } from './mailer.js';

export interface InvitationMailInput {
  invitationId: string;
  email: string;
  firstName: string;
  /** Tenant display name, or null for the main account. */
  tenantName: string | null;
  token: string;
  expiresAt: string;
}

export function invitationMessage(input: InvitationMailInput): MailMessage {
  const where = input.tenantName ?? 'the main account';
  const greeting = input.firstName ? `Hello ${input.firstName},` : 'Hello,';
  const text = [
    greeting,
    '',
    `you have been invited to ${where}. To accept, set your password with:`,
    '',
    '  iamctl invite accept',
    '',
    'and give it this invitation token when asked:',
    '',
    `  ${input.token}`,
    '',
    'From a script, pipe the token and then the password, one line each:',
    '',
    "  printf '%s\\n' \"$TOKEN\" \"$PASSWORD\" |",
    '    iamctl invite accept --token-stdin --password-stdin',
    '',
    `The token works once and expires at ${input.expiresAt}.`,
    'If you did not expect this invitation, ignore this message.',
    '',
  ].join('\n');
  return {
    to: input.email,
    subject: `Your invitation to ${where}`,
    text,
    headers: { 'X-Iamctl-Invitation': input.invitationId },
    tag: input.invitationId,
  };
}
