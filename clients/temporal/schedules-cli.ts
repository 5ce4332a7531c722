/**
 * `npm run schedules -- <command> [scheduleId]`
 *
 *   list                 every schedule in the namespace, with its state and next run
 *   apply                create or update the engine's schedules (idempotent)
 *   describe <id>        one schedule in full
 *   pause <id> [note]    stop starting runs
 *   unpause <id>         start runs again
 *   trigger <id>         start one run now (the overlap policy still applies)
 */
import 'dotenv/config';
import { ScheduleNotFoundError } from '@temporalio/client';
import { loadConfigOrExit } from '../../config';
import { connectClient, ensureSearchAttributes } from './connection';
import { applySchedules } from './schedules';

const USAGE = 'usage: npm run schedules -- list | apply | describe <id> | pause <id> [note] | unpause <id> | trigger <id>';

async function main(argv: string[]): Promise<void> {
  const [command, id, ...rest] = argv;
  const config = loadConfigOrExit();
  const client = await connectClient(config.temporal);
  const out = (value: unknown) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
  const needId = () => {
    if (!id) throw new Error(USAGE);
    return client.schedule.getHandle(id);
  };
  try {
    switch (command) {
      case 'list':
        for await (const s of client.schedule.list()) {
          out(`${s.scheduleId}\t${s.state.paused ? 'paused' : 'active'}\tnext: ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}\t${s.state.note ?? ''}`);
        }
        break;
      case 'apply':
        await ensureSearchAttributes(client);
        out(await applySchedules(client, config));
        break;
      case 'describe': {
        const d = await needId().describe();
        out({ scheduleId: d.scheduleId, spec: d.spec, action: d.action, policies: d.policies, state: d.state, info: d.info });
        break;
      }
      case 'pause':
        await needId().pause(rest.join(' ') || 'paused by operator');
        out(`${id} paused`);
        break;
      case 'unpause':
        await needId().unpause('unpaused by operator');
        out(`${id} unpaused`);
        break;
      case 'trigger':
        await needId().trigger();
        out(`${id} triggered`);
        break;
      default:
        throw new Error(USAGE);
    }
  } finally {
    await client.connection.close();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  // The server's own text names an internal workflow id; say which schedule is missing instead.
  const message =
    error instanceof ScheduleNotFoundError ? `no schedule "${error.scheduleId}" (see: npm run schedules -- list)` : error.message;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
