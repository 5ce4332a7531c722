/**
 * How the bench prices a history in Temporal Cloud actions, on events built by hand: every kind of
 * action once, local activities priced per workflow task, a workflow-task heartbeat, and a
 * workflow task that a child's completion (not the worker) asked for.
 */
import { temporal } from '@temporalio/proto';
import { countActions, countActivities, largestPayloadBytes, LOCAL_ACTIVITY_MARKER } from '../../bench/histories';

type Event = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

const ev = (eventType: temporal.api.enums.v1.EventType, attributes: Partial<Event> = {}): Event => ({ eventType, ...attributes });
const marker = (bytes = 10): Event =>
  ev(T.EVENT_TYPE_MARKER_RECORDED, {
    markerRecordedEventAttributes: { markerName: LOCAL_ACTIVITY_MARKER, details: { data: { payloads: [{ data: new Uint8Array(bytes) }] } } },
  });
const task = (): Event[] => [ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED), ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)];

describe('billable actions of a history', () => {
  const parent: Event[] = [
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: {} }),
    ...task(),
    marker(),
    marker(),
    ev(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    ev(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    ev(T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED),
    ev(T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED),
    ev(T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED),
    // A task the child's completion asked for: no heartbeat.
    ...task(),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 3 } }),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
    ...task(),
    ev(T.EVENT_TYPE_TIMER_STARTED),
    ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
    ...task(),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW),
  ];
  const child: Event[] = [
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: { parentWorkflowExecution: { workflowId: 'p' } } }),
    ...task(),
    marker(600),
    marker(),
    // The worker completed the task with its markers so far and asked for another: a heartbeat.
    ...task(),
    marker(),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, { workflowExecutionCompletedEventAttributes: { result: { payloads: [{ data: new Uint8Array(200) }] } } }),
  ];

  it('prices each kind as Temporal Cloud does', () => {
    expect(countActions(parent, true).byKind).toEqual({
      scheduleFiring: 3,
      localActivityTasks: 1,
      childWorkflow: 4,
      activity: 3,
      timer: 1,
      searchAttributeUpsert: 1,
      signal: 1,
      continueAsNew: 1,
    });
    expect(countActions(parent, false).byKind.workflowStart).toBe(1);
    expect(countActions(child, false)).toEqual({ total: 3, byKind: { localActivityTasks: 2, workflowTaskHeartbeat: 1 } });
  });

  it('counts local and remote activities and finds the largest payload', () => {
    expect(countActivities(parent)).toEqual({ local: 2, remote: 1 });
    expect(countActivities(child)).toEqual({ local: 3, remote: 0 });
    expect(largestPayloadBytes(child)).toBe(600);
  });
});
