/**
 * The grace refusal walked end to end: an edge that comes back after its outage note is older than
 * the grace period keeps its ticket open, and the incident says why.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { incidentWorkflowId } from '../../activities/incidents';
import { RESOLVE_NOTE_TITLE } from '../../domain/incidents';
import { isEngineNote } from '../../domain/engine-notes';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { IncidentResult } from '../../workflows/incident';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { value } from '../support/metrics';
import { startTestWorker, type TestWorker } from '../support/temporal';

describe('outage incident past its grace period', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 23, totalEdges: 20, testEnterpriseShare: 0.1 } });
    worker = await startTestWorker({
      env: {
        ...sandboxes.env,
        AUTOMATION_MODE: 'production',
        OUTAGE_QUARANTINE: '1s',
        INCIDENT_RECHECK_INTERVAL: '1s',
        BRUIN_WRITE_SETTLE: '2s',
        AUTO_RESOLVE_GRACE_DAY: '3s',
        AUTO_RESOLVE_GRACE_NIGHT: '3s',
      },
    });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('leaves the ticket open with reason grace-expired when the edge is back after the grace', async () => {
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');
    await worker.client.workflow.execute('outageDetectorWorkflow', { taskQueue: worker.taskQueue, workflowId: `outage-detector-${randomUUID()}`, args: [{}] });
    const tickets = () => sandboxes.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.details.some((d) => d.detailValue === edge!.serialNumber));
    for (const end = Date.now() + 60_000; !tickets().some((t) => t.notes.some((n) => isEngineNote(n.noteValue))) && Date.now() < end; ) await sleep(250);

    await sleep(4_000); // past the 3 s grace
    makeFleetHealthy(sandboxes);
    const result = (await worker.client.workflow
      .getHandle(incidentWorkflowId({ host: edge!.host, enterpriseId: edge!.enterpriseId, edgeId: edge!.id }))
      .result()) as IncidentResult;

    expect(result).toMatchObject({ branch: 'created', outcome: 'left-open', reason: 'grace-expired' });
    const [ticket, ...others] = tickets();
    expect(others).toEqual([]);
    expect(ticket!.details.find((d) => d.detailValue === edge!.serialNumber)!.detailStatus).toBe('O');
    expect(ticket!.notes.filter((n) => n.noteValue.includes(RESOLVE_NOTE_TITLE))).toEqual([]);
    expect(await value(worker.registry, 'automation_auto_resolve_refusals_total', { reason: 'grace-expired' })).toBe(1);
  }, 120_000);
});
