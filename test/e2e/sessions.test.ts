// session list | revoke through the CLI: one's own sessions, an admin's view of a user's, and
// the refusals (5 for non-admins, 6 across tenants, 2 without --yes, 7 for an ended session).
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure } from '../helpers/cli.js';
import { world, type World } from './helpers-lifecycle.js';

let w: World;
beforeAll(async () => {
  w = await world();
});

interface SessionJson {
  id: string;
  user: string;
  tenant: string | null;
  current: boolean;
}

describe('session list', () => {
  it('lists my live sessions, the current one marked', async () => {
    const other = await w.as('viewer@acme.example');
    const mine: SessionJson[] = await w.viewer.json(['session', 'list']);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    expect(mine.every((s) => s.user === 'viewer@acme.example' && s.tenant === 'acme')).toBe(true);
    const fromOther: SessionJson[] = await other.json(['session', 'list', '--user', 'viewer@acme.example']);
    expect(fromOther.map((s) => s.id).sort()).toEqual(mine.map((s) => s.id).sort());
    expect(fromOther.find((s) => s.current)!.id).not.toBe(mine.find((s) => s.current)!.id);
  });

  it("an admin lists a user's sessions; a super admin too, in that tenant", async () => {
    const byAdmin: SessionJson[] = await w.acmeAdmin.json(['session', 'list', '--user', 'viewer@acme.example']);
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(byAdmin.every((s) => !s.current && s.user === 'viewer@acme.example')).toBe(true);
    const byRoot: SessionJson[] = await w.root.json(['session', 'list', '--tenant', 'acme', '--user', 'viewer@acme.example']);
    expect(byRoot.map((s) => s.id).sort()).toEqual(byAdmin.map((s) => s.id).sort());
  });

  it.each([
    ['a viewer listing an admin', 'viewer', ['session', 'list', '--user', 'admin@acme.example'], 5],
    ['a viewer listing someone unknown (no probing)', 'viewer', ['session', 'list', '--user', 'ghost@acme.example'], 5],
    ["an admin listing another tenant's user", 'acmeAdmin', ['session', 'list', '--user', 'admin@globex.example'], 6],
  ] as const)('refuses %s', async (_label, who, args, code) => {
    expectFailure(await w[who].run(args), code);
  });
});

describe('session revoke', () => {
  it('ends one of my other sessions; that shell is then signed out', async () => {
    const other = await w.as('viewer@acme.example');
    const [current] = (await other.json<SessionJson[]>(['session', 'list'])).filter((s) => s.current);
    expectFailure(await w.viewer.run(['session', 'revoke', current!.id]), 2, /--yes/);
    const r = await w.viewer.run(['session', 'revoke', current!.id, '--yes', '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: current!.id, current: false });
    expectFailure(await other.run(['whoami']), 4, /ended/);
    expectFailure(await w.viewer.run(['session', 'revoke', current!.id, '--yes']), 7, /already ended/);
  });

  it('revoking my current session signs me out here', async () => {
    const me = await w.as('viewer@acme.example');
    const [current] = (await me.json<SessionJson[]>(['session', 'list'])).filter((s) => s.current);
    const r = await me.run(['session', 'revoke', current!.id, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/signed out/);
    expectFailure(await me.run(['whoami']), 4, /not signed in/);
  });

  it("an admin ends a user's session; a viewer cannot end an admin's (5); another tenant's is not found (6)", async () => {
    const victim = await w.as('viewer@acme.example');
    const [session] = (await victim.json<SessionJson[]>(['session', 'list'])).filter((s) => s.current);
    expect((await w.acmeAdmin.run(['session', 'revoke', session!.id, '--yes'])).exitCode).toBe(0);
    expectFailure(await victim.run(['whoami']), 4);

    const [adminSession] = await w.acmeAdmin.json<SessionJson[]>(['session', 'list']);
    expectFailure(await w.viewer.run(['session', 'revoke', adminSession!.id, '--yes']), 5, /users:update/);
    const globex = await w.as('admin@globex.example');
    const [globexSession] = await globex.json<SessionJson[]>(['session', 'list']);
    expectFailure(await w.acmeAdmin.run(['session', 'revoke', globexSession!.id, '--yes']), 6, /not found/);
    expectFailure(await w.acmeAdmin.run(['session', 'revoke', 'nosuchsession00', '--yes']), 6, /not found/);
    expect((await globex.run(['whoami'])).exitCode).toBe(0);
  });
});
