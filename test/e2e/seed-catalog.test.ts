// Seed 004's role catalog (System Administrator, Organization Administrator, Member, the four
// feature Managers and the seven enterprise Operators/Viewers) expressed as custom roles through
// the CLI, mapped onto SPEC §3's catalog as the README describes, then checked with can-i.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initializedCli, type Cli } from '../helpers/cli.js';
import { ok, userPassword } from './authz-helpers.js';

const seedRoles: [name: string, displayName: string, grants: string[]][] = [
  ['system-admin', 'System Administrator', ['integrations:manager', 'automation:manager', 'data:manager', 'iam:manager', 'administration:manager']],
  ['organization-admin', 'Organization Administrator', [
    'integrations:manager', 'automation:manager', 'data:manager', 'iam:manager', 'tenant-settings:read', 'tenant-settings:update', 'audit:read', 'stats:read',
  ]],
  ['member', 'Member', [
    'integrations:viewer', 'automation:viewer', 'data:viewer',
    'flows:create', 'schedules:create', 'listeners:create', 'webhooks:create', 'data:create', 'messages:operate',
  ]],
  ['integrations-manager', 'Integrations Manager', ['integrations:manager']],
  ['automation-manager', 'Automation Manager', ['automation:manager']],
  ['data-manager', 'Data Manager', ['data:manager']],
  ['iam-manager', 'IAM Manager', ['iam:manager']],
  ['integrations-operator', 'Integrations Operator', ['integrations:operator']],
  ['integrations-viewer', 'Integrations Viewer', ['integrations:viewer']],
  ['automation-operator', 'Automation Operator', ['automation:operator']],
  ['automation-viewer', 'Automation Viewer', ['automation:viewer']],
  ['data-operator', 'Data Operator', ['data:operator']],
  ['data-viewer', 'Data Viewer', ['data:viewer']],
  ['iam-viewer', 'IAM Viewer', ['iam:viewer']],
];

let c: Cli;
const plant = ['--tenant', 'plant'];

beforeAll(async () => {
  c = await initializedCli();
  await ok(c, ['tenant', 'create', 'plant', '--name', 'Plant']);
  for (const [name, displayName, grants] of seedRoles) {
    await ok(c, ['role', 'create', name, '--display-name', displayName, ...grants.flatMap((g) => ['--grant', g]), ...plant]);
  }
  for (const role of ['automation-operator', 'iam-viewer', 'member', 'organization-admin']) {
    await ok(c, ['user', 'create', ...plant, '--email', `${role}@plant.example`, '--first-name', 'Seed', '--role', role, '--password-stdin'], `${userPassword}\n`);
  }
});

const ask = async (action: string, entity: string, role: string) =>
  (await c.run(['can-i', action, entity, '--as', `${role}@plant.example`, ...plant])).exitCode;

describe('seed 004 role catalog as custom roles', () => {
  it('creates all fourteen roles with the levels the seed describes', async () => {
    const roles = await ok(c, ['role', 'list', ...plant]);
    const custom = roles.filter((r: any) => !r.builtin);
    expect(custom.map((r: any) => r.displayName).sort()).toEqual(seedRoles.map(([, d]) => d).sort());
    const byName = new Map(custom.map((r: any) => [r.name, r]));
    expect((byName.get('integrations-operator') as any).permissions).toEqual([
      'connections:read', 'connections:operate', 'formats:read', 'formats:operate',
    ]);
    expect((byName.get('iam-viewer') as any).permissions.every((p: string) => p.endsWith(':read'))).toBe(true);
  });

  it('has no IAM operator level: IAM has nothing to operate', async () => {
    expectFailure(await c.run(['role', 'create', 'iam-operator', '--grant', 'iam:operator', ...plant]), 3, /no operator level/);
  });

  it.each([
    ['operate', 'flows', 'automation-operator', 0],
    ['read', 'schedules', 'automation-operator', 0],
    ['update', 'flows', 'automation-operator', 8],
    ['read', 'connections', 'automation-operator', 8],
    ['read', 'users', 'iam-viewer', 0],
    ['read', 'identity-providers', 'iam-viewer', 0],
    ['create', 'users', 'iam-viewer', 8],
    ['create', 'flows', 'member', 0],
    ['operate', 'messages', 'member', 0],
    ['delete', 'flows', 'member', 8],
    ['update', 'connections', 'member', 8],
    ['read', 'users', 'member', 8],
    ['delete', 'users', 'organization-admin', 0],
    ['update', 'tenant-settings', 'organization-admin', 0],
    ['read', 'tenants', 'organization-admin', 8],
  ])('can-i %s %s as %s -> exit %i', async (action, entity, role, exitCode) => {
    expect(await ask(action, entity, role)).toBe(exitCode);
  });
});
