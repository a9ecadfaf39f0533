/**
 * Users and managers through Graph, for the directory service's `ManagerSource`: for each address,
 * `GET /users/{address}?$select=id` and `GET /users/{address}/manager?$select=mail,userPrincipalName`,
 * two requests per person in `$batch`es (20 requests per call) instead of one call each.
 * A 404 on /manager means "no manager".
 */
import type { GraphUserInfo, ManagerSource } from '../directory/directory-service.ts';
import type { GraphBatch } from './batch.ts';
import { userPath } from './ids.ts';

export function createGraphUsers(options: { readonly batch: GraphBatch }): ManagerSource {
  return {
    async lookup(emails) {
      const list = [...new Set(emails.map((e) => e.toLowerCase()))];
      const responses = await options.batch.run(
        list.flatMap((email, i) => [
          { id: `u${i}`, method: 'GET' as const, url: `${userPath(email)}?$select=id,mail` },
          {
            id: `m${i}`,
            method: 'GET' as const,
            url: `${userPath(email)}/manager?$select=id,mail,userPrincipalName`,
          },
        ]),
      );
      const out = new Map<string, GraphUserInfo>();
      list.forEach((email, i) => {
        const user = responses.get(`u${i}`);
        const manager = responses.get(`m${i}`);
        if (user?.status !== 200 || !manager) return;
        if (manager.status !== 200 && manager.status !== 404) return;
        const m = manager.body as { mail?: string | null; userPrincipalName?: string } | undefined;
        out.set(email, {
          id: (user.body as { id: string }).id,
          managerEmail: manager.status === 404 ? null : (m?.mail ?? m?.userPrincipalName ?? null),
        });
      });
      return out;
    },
  };
}
