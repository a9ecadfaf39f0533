/**
 * The store's operations, one file each (graphile-worker's layout): every query Concord runs
 * outside src/store goes through one of these. Each takes the store's `db` or a transaction on it
 * (`Db`), so a caller keeps several of them in one transaction.
 */
export { appendAuditEntry } from './append-audit-entry.ts';
export { cancelTimer } from './cancel-timer.ts';
export { cardDeliveredAs } from './card-delivered-as.ts';
export { cardStepAt } from './card-step-at.ts';
export { checkpointWhereDue } from './checkpoint-where-due.ts';
export { claimDueTimers, releaseTimers } from './claim-due-timers.ts';
export { claimGraphNotifications } from './claim-graph-notifications.ts';
export { claimOutboxJobs } from './claim-outbox-jobs.ts';
export { claimSubscriptionSlot } from './claim-subscription-slot.ts';
export { completeOutboxJob } from './complete-outbox-job.ts';
export { countGraphNotifications } from './count-graph-notifications.ts';
export { enqueueEffect } from './enqueue-effect.ts';
export { enqueueGraphNotifications } from './enqueue-graph-notifications.ts';
export { findDispute } from './find-dispute.ts';
export { finishGraphNotification } from './finish-graph-notification.ts';
export { forgetGraphSubscriptions } from './forget-graph-subscriptions.ts';
export { getCardSlot } from './get-card-slot.ts';
export { getConversationRef } from './get-conversation-ref.ts';
export { getKvValue } from './get-kv-value.ts';
export { holdOffTimer } from './hold-off-timer.ts';
export { listAuditEntriesOf } from './list-audit-entries.ts';
export { listDisputeStates } from './list-dispute-states.ts';
export { listDisputeStatesFor, listDisputesFor } from './list-disputes-for.ts';
export { listRecordEntries } from './list-record-entries.ts';
export { lockDispute } from './lock-dispute.ts';
export { lockPendingTimer } from './lock-pending-timer.ts';
export { markCardDelivered } from './mark-card-delivered.ts';
export { markTimerFired } from './mark-timer-fired.ts';
export { nextTimerDue } from './next-timer-due.ts';
export { parkOutboxJob } from './park-outbox-job.ts';
export { pruneCardState } from './prune-card-state.ts';
export { putCardSlot } from './put-card-slot.ts';
export { putKvValue } from './put-kv-value.ts';
export { releaseSubscriptionSlot } from './release-subscription-slot.ts';
export { rememberCardStep } from './remember-card-step.ts';
export { renewGraphNotificationLeases } from './renew-graph-notification-leases.ts';
export { renewOutboxLeases } from './renew-outbox-leases.ts';
export { retryOutboxJobLater } from './retry-outbox-job-later.ts';
export { saveConversationRef } from './save-conversation-ref.ts';
export { disputePeople, saveDispute } from './save-dispute.ts';
export { setTimer } from './set-timer.ts';
export { type VacuumReport, vacuumWhereDue } from './vacuum-where-due.ts';
export { writeDecision } from './write-decision.ts';
export { writeRecordEntry } from './write-record-entry.ts';
