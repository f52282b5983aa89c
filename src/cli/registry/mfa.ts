import type { CommandSpec } from '../registry-types.js';

const load = () => import('../commands/mfa.js');

// One's own second factor. Enrol and confirm are what a restricted session (the admin MFA
// policy, before enrolment) may run, besides whoami and logout.
export const mfaCommands: readonly CommandSpec[] = [
  { path: ['mfa', 'enroll'], summary: 'Start TOTP enrolment: prints a new secret, its otpauth:// URI and a QR code (nothing is enforced until `mfa confirm`)',
    options: [{ flags: '--force', description: 'replace an enrolment that is still pending (not a confirmed factor)' }],
    guard: { kind: 'signed-in', restrictedOk: true }, mutates: true,
    examples: ['iamctl mfa enroll', 'iamctl mfa enroll -o json   # secret and uri, no QR code'],
    load, handler: 'enroll' },
  { path: ['mfa', 'confirm'], summary: 'Turn MFA on with a current code from the app; prints 10 single-use recovery codes once',
    options: [{ flags: '--code-stdin', description: 'read the code from stdin' }],
    guard: { kind: 'signed-in', restrictedOk: true }, mutates: true,
    examples: ["printf '%s\\n' 123456 | iamctl mfa confirm --code-stdin"],
    load, handler: 'confirm' },
  { path: ['mfa', 'disable'], summary: 'Turn MFA off (needs a current code or a recovery code)',
    options: [{ flags: '--code-stdin', description: 'read the code from stdin' }],
    guard: { kind: 'signed-in' }, mutates: true,
    load, handler: 'disable' },
  { path: ['mfa', 'recovery-codes'], summary: 'Issue a new set of 10 recovery codes; the old ones stop working',
    guard: { kind: 'signed-in' }, mutates: true,
    load, handler: 'recoveryCodes' },
];
