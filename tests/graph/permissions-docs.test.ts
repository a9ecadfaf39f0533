/**
 * The permissions are stated once: README's deployment section and docs/graph.md name the same
 * application permissions, split the same way between Exchange RBAC for Applications and Entra, and
 * the RBAC script assigns exactly the roles the docs name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const PERMISSION = /`((?:Mail|Calendars|User|TeamsAppInstallation)\.[A-Za-z.]+)`/g;
const names = (text: string) => [...new Set([...text.matchAll(PERMISSION)].map((m) => m[1]))].sort();

describe('permissions', () => {
  const readme = read('README.md');
  const section = readme.slice(
    readme.indexOf('1. **Entra app registration**'),
    readme.indexOf('2. **Azure Bot**'),
  );
  const graph = read('docs/graph.md');
  const table = graph.slice(graph.indexOf('## Permissions'), graph.indexOf('**The named mailboxes**'));
  const script = read('deploy/rbac-for-applications.ps1');

  it('README and docs/graph.md name the same five permissions, least privileged', () => {
    const expected = [
      'Calendars.ReadWrite',
      'Mail.ReadWrite',
      'Mail.Send',
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'User.Read.All',
    ];
    expect(names(section)).toEqual(expected);
    expect(names(table)).toEqual(expected);
    expect(graph).not.toContain('TeamsAppInstallation.ReadWriteForUser.All');
    expect(readme).not.toContain('TeamsAppInstallation.ReadWriteForUser.All');
  });

  it('mail and calendars through RBAC for Applications roles, which the script assigns and tests', () => {
    const roles = [...script.matchAll(/'(Application [A-Za-z.]+)'/g)].map((m) => m[1]).sort();
    expect(roles).toEqual([
      'Application Calendars.ReadWrite',
      'Application Mail.ReadWrite',
      'Application Mail.Send',
    ]);
    for (const role of roles) expect(table).toContain(`\`${role}\``);
    expect(script).toContain('New-ManagementScope');
    expect(script).toContain(
      'New-ManagementRoleAssignment -App $AppId -Role $role -CustomResourceScope $Name',
    );
    expect(script).toContain('Test-ServicePrincipalAuthorization -Identity $AppId -Resource $address');
    expect(section).toContain('deploy/rbac-for-applications.ps1');
    expect(section).toMatch(/RBAC changes take time to apply/);
    expect(graph).toMatch(/RBAC changes take time to apply/);
  });
});
