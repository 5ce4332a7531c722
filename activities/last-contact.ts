/**
 * P5's side effects: listing each orchestrator's edges with their last contact (the enterprise
 * listing already carries it, so no per-edge call), and e-mailing the monthly report.
 */
import { heartbeat } from '@temporalio/activity';
import { isStale, lastContactEmail, type StaleEdge } from '../domain/last-contact';
import { mapWithConcurrency } from '../domain/concurrency';
import { createNotifier, portalUrls, reportEmail } from './notify';
import type { ActivityDeps } from './deps';

const ENTERPRISE_LISTING_CONCURRENCY = 8;

export function createLastContactActivities(deps: ActivityDeps) {
  const { config, velocloud, logger } = deps;
  const notify = createNotifier(deps);
  return {
    /** Every configured orchestrator: the report is fleet-wide, VELOCLOUD_FILTER does not narrow it. */
    async lastContactHosts(): Promise<string[]> {
      return config.velocloud.hosts.map((h) => h.host);
    },

    /** The edges of one orchestrator whose last contact is 30 days old or more on `asOf`. */
    async findStaleEdges(request: { host: string; asOf: string }): Promise<StaleEdge[]> {
      const client = velocloud.forHost(request.host);
      const { enterprises } = await client.getAggregates();
      const perEnterprise = await mapWithConcurrency(enterprises, ENTERPRISE_LISTING_CONCURRENCY, async (enterprise) => {
        // Rows that break the contract are skipped (and logged): one bad edge must not hide its orchestrator.
        const { rows: edges, problems } = await client.getEnterpriseEdges(enterprise.id);
        if (problems.length) logger.warn({ host: request.host, enterpriseId: enterprise.id, problems: problems.slice(0, 5) }, 'edge rows skipped');
        heartbeat(enterprise.id);
        return edges
          .filter((edge) => isStale(edge.lastContact, request.asOf, config.timezone))
          .map(
            (edge): StaleEdge => ({
              host: request.host,
              enterpriseId: enterprise.id,
              edgeId: edge.id,
              enterpriseName: enterprise.name,
              name: edge.name,
              serial: edge.serialNumber,
              model: edge.modelNumber,
              lastContact: edge.lastContact as string,
              ...(edge.activationTime ? { activationTime: edge.activationTime } : {}),
            }),
          );
      });
      return perEnterprise.flat();
    },

    /** The summary by enterprise in the body, every edge in the CSV; the month is the Message-ID's key. */
    async emailLastContactReport(request: { asOf: string; edges: StaleEdge[]; missingHosts: string[]; runId: string }): Promise<{ recipients: number; edges: number }> {
      const report = lastContactEmail(request.edges, {
        asOf: request.asOf,
        timezone: config.timezone,
        missingHosts: request.missingHosts,
        portalUrls: portalUrls(config),
      });
      const sent = await notify.emailRecipients('last-contact', {
        ...reportEmail(report),
        messageId: `<last-contact-report-${request.runId}@automation-engine>`,
      });
      logger.info({ edges: request.edges.length, accepted: sent.accepted.length }, 'last contact report sent');
      return { recipients: sent.accepted.length, edges: request.edges.length };
    },
  };
}
