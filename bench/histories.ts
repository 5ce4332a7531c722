/**
 * What a workflow's histories cost and weigh: billable Temporal Cloud actions counted event by
 * event, and the largest payload any event carries.
 *
 * Temporal Cloud's rules, as the bench applies them:
 *   - a top-level run started by a schedule: 3 (the schedule's firing); started directly: 1;
 *   - a child workflow: 2 (counted at its parent's StartChildWorkflowExecutionInitiated), a
 *     continue-as-new: 1 (counted at the WorkflowExecutionContinuedAsNew event);
 *   - an activity: 1 per attempt (ActivityTaskScheduled, plus attempt − 1 at its start);
 *   - every local activity completed in one workflow task: 1 together (a workflow task completion
 *     followed by local activity markers), and each workflow-task heartbeat 1 more (a completion
 *     followed by a new workflow task that nothing but its own commands asked for);
 *   - a timer, a signal (sent or received), a search-attribute upsert: 1.
 */
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface ActionCount {
  total: number;
  /** By kind, so a figure can be explained: `{activity: 2, localActivityTasks: 40, childWorkflow: 80, …}`. */
  byKind: Record<string, number>;
}

/** Events a workflow task's own commands write: none of them asks for another workflow task. */
const COMMAND_EVENTS = new Set<number>([
  T.EVENT_TYPE_MARKER_RECORDED,
  T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  T.EVENT_TYPE_TIMER_STARTED,
  T.EVENT_TYPE_TIMER_CANCELED,
  T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  T.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  T.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
]);

/**
 * Billable actions of one run's events. `startedBySchedule` says how a top-level run started
 * (children and continued runs are counted where they were created).
 */
export function countActions(events: readonly HistoryEvent[], startedBySchedule: boolean, into: ActionCount = { total: 0, byKind: {} }): ActionCount {
  const add = (kind: string, n = 1) => {
    if (n <= 0) return;
    into.total += n;
    into.byKind[kind] = (into.byKind[kind] ?? 0) + n;
  };
  events.forEach((event, i) => {
    switch (event.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const started = event.workflowExecutionStartedEventAttributes;
        if (!started?.parentWorkflowExecution && !started?.continuedExecutionRunId) add(startedBySchedule ? 'scheduleFiring' : 'workflowStart', startedBySchedule ? 3 : 1);
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        add('continueAsNew');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        add('activity');
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activity', (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        add('childWorkflow', 2);
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        add('timer');
        break;
      case T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        add('signal');
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        add('searchAttributeUpsert');
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        let localActivities = false;
        let j = i + 1;
        for (; j < events.length && COMMAND_EVENTS.has(events[j]!.eventType as number); j++) {
          if (events[j]!.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) localActivities = true;
        }
        if (localActivities) add('localActivityTasks');
        // Nothing but this task's own commands before the next task: the worker asked for it (a heartbeat).
        if (localActivities && events[j]?.eventType === T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) add('workflowTaskHeartbeat');
        break;
      }
      default:
        break;
    }
  });
  return into;
}

/** Local activities (markers) and remote activities (scheduled) in a run's events. */
export function countActivities(events: readonly HistoryEvent[]): { local: number; remote: number } {
  let local = 0;
  let remote = 0;
  for (const event of events) {
    if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) local += 1;
    if (event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) remote += 1;
  }
  return { local, remote };
}

/** The bytes of the largest set of payloads one event carries (an input, a result, a marker's details). */
export function largestPayloadBytes(events: readonly HistoryEvent[]): number {
  let largest = 0;
  const visit = (value: unknown): number => {
    if (!value || typeof value !== 'object') return 0;
    if (value instanceof Uint8Array) return 0;
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.payloads)) {
      const bytes = (record.payloads as Array<{ data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null }>).reduce(
        (n, p) => n + (p.data?.length ?? 0) + Object.values(p.metadata ?? {}).reduce((m, v) => m + (v?.length ?? 0), 0),
        0,
      );
      largest = Math.max(largest, bytes);
      return bytes;
    }
    let sum = 0;
    for (const child of Object.values(record)) sum += visit(child);
    return sum;
  };
  for (const event of events) largest = Math.max(largest, visit(event));
  return largest;
}
