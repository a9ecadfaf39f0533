/** Every Graph route the emulator serves, in match order. */
import type { Route } from '../router.ts';
import { calendarRoutes } from './calendar.ts';
import { mailRoutes } from './mail.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { teamsAppRoutes } from './teams-apps.ts';
import { userRoutes } from './users.ts';

export const GRAPH_ROUTES: readonly Route[] = [
  ...mailRoutes,
  ...calendarRoutes,
  ...subscriptionRoutes,
  ...teamsAppRoutes,
  ...userRoutes,
];
