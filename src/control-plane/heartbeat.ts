import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import { LinkerdConfigError } from '../errors';

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_RANGES: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

/**
 * When the heartbeat CronJob reports anonymous usage to Linkerd.
 *
 * Upstream derives the schedule from the render time, so every render differs. Here the default
 * is derived from the control-plane namespace and trust domain instead: stable across synths yet
 * spread across clusters.
 */
export abstract class Heartbeat {
  /** A fixed five-field cron schedule, e.g. `'0 0 * * *'`. */
  public static schedule(cron: string): Heartbeat {
    return new ScheduledHeartbeat(cron);
  }

  /** Once a day at a minute derived from the installation's identity. */
  public static daily(): Heartbeat {
    return new DerivedHeartbeat();
  }

  /** No heartbeat: the CronJob and its RBAC are not emitted. */
  public static disabled(): Heartbeat {
    return new DisabledHeartbeat();
  }

  /** The cron schedule, or undefined when disabled. @internal */
  public abstract _schedule(scope: IConstruct, field: string, seed: string): string | undefined;
}

class ScheduledHeartbeat extends Heartbeat {
  public constructor(private readonly cron: string) { super(); }

  public _schedule(scope: IConstruct, field: string): string {
    const fields = this.cron.trim().split(/\s+/);
    const valid = fields.length === 5 && fields.every((f, i) => CRON_FIELD.test(f)
      && (f.match(/\d+/g) ?? []).every((n, j, all) => {
        // step values (after "/") are not bounded by the field's range
        const isStep = f.includes('/') && j === all.length - 1 && f.endsWith(n) && f.split('/').length === 2;
        return isStep || (Number(n) >= CRON_RANGES[i][0] && Number(n) <= CRON_RANGES[i][1]);
      }));
    if (!valid) {
      throw new LinkerdConfigError(scope, field, `${JSON.stringify(this.cron)} is not a five-field cron schedule`,
        'use "minute hour day-of-month month day-of-week", e.g. "0 0 * * *"');
    }
    return fields.join(' ');
  }
}

class DerivedHeartbeat extends Heartbeat {
  public _schedule(_scope: IConstruct, _field: string, seed: string): string {
    const digest = createHash('sha256').update(`heartbeat:${seed}`).digest();
    return `${digest[0] % 60} ${digest[1] % 24} * * *`;
  }
}

class DisabledHeartbeat extends Heartbeat {
  public _schedule(): undefined {
    return undefined;
  }
}
