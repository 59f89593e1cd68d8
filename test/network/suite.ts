// The frame of every scenario file: skip (with the reason) where the lab cannot run, build the namespaces and
// start the servers before the tests, and always tear everything down afterwards, whatever failed.
import type { RunningServer } from '../servers';
import { serversAvailable } from '../servers';
import { labUnavailable, type Lab } from './lab';

export interface Scenario {
  lab: Lab;
  servers: RunningServer[];
}

/**
 * Registers before/after hooks in the current describe. `build` makes the lab; `setup` starts servers and
 * loads rules (servers it returns are stopped afterwards, also when setup fails halfway: it pushes them into
 * the array it is given as it starts them). Returns a getter of the running scenario.
 */
export function useScenario(build: () => Promise<Lab>, setup: (lab: Lab, servers: RunningServer[]) => Promise<void>): () => Scenario {
  let scenario: Scenario | undefined;
  let lab: Lab | undefined;
  const servers: RunningServer[] = [];

  before(async function () {
    this.timeout(60000);
    const why = (await labUnavailable()) ?? (await vsftpdUnavailable());
    if (why) {
      console.log(`      (network tests skipped: ${why})`);
      this.skip();
    }
    lab = await build();
    await setup(lab, servers);
    scenario = { lab, servers };
  });

  after(async function () {
    this.timeout(60000);
    const errors: string[] = [];
    for (const s of servers.splice(0)) await s.stop().catch((e: Error) => errors.push(e.message));
    await lab?.destroy().catch((e: Error) => errors.push(e.message));
    if (errors.length) throw new Error(`teardown: ${errors.join('; ')}`);
  });

  return () => {
    if (!scenario) throw new Error('scenario not set up');
    return scenario;
  };
}

async function vsftpdUnavailable(): Promise<string | undefined> {
  const v = (await serversAvailable()).find((s) => s.name === 'vsftpd');
  return v?.ok ? undefined : `vsftpd: ${v?.why ?? 'unknown'}`;
}
