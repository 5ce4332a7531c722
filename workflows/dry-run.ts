/**
 * In a dry run nothing is written to Bruin, so nothing remembers what was already e-mailed. A
 * dry-run child workflow therefore holds its id for a day after it e-mailed, under an id of its
 * own (`dry-run-…`, so switching to production is never held up), and a later run that finds it
 * running knows the e-mail went out.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, sleep, startChild, type ChildWorkflowOptions, type Workflow } from '@temporalio/workflow';

export const DRY_RUN_HOLD = '24h';
/** Histories recorded before the hold existed replay without it. */
const DRY_RUN_HOLD_PATCH = 'dry-run-hold';

export type DryRunStart = 'dry-run-started' | 'dry-run-already-sent';

/** Whether this run holds dry-run ids (false only when replaying an older history). */
export function dryRunHeld(): boolean {
  return patched(DRY_RUN_HOLD_PATCH);
}

/** Called by the dry-run child after it e-mailed. */
export async function holdAfterDryRun(): Promise<void> {
  if (dryRunHeld()) await sleep(DRY_RUN_HOLD);
}

/** Starts the dry-run child without waiting for it (it holds for a day), unless one still holds the id. */
export async function startDryRunChild(
  workflow: Workflow,
  options: ChildWorkflowOptions & { workflowId: string; args: unknown[] },
): Promise<DryRunStart> {
  try {
    await startChild(workflow.name, {
      ...options,
      workflowId: `dry-run-${options.workflowId}`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return 'dry-run-started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'dry-run-already-sent';
    throw error;
  }
}
