/** The service account controller as a leader-elected control-plane component. */
import { leaderElectedComponent } from '../leader-elected/index.ts';
import { runServiceAccountController } from './service-account-controller.ts';

/** Keeps a `default` ServiceAccount in every active namespace. */
export const serviceAccountComponent = leaderElectedComponent('serviceaccount-controller', (context, signal) =>
  runServiceAccountController({ api: context.api, log: context.log.with({ controller: 'serviceaccount' }) }, signal),
);
