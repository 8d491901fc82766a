import { createHash } from 'node:crypto';
import { IConstruct } from 'constructs';
import * as check from '../validate';

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
    return check.cronSchedule(scope, field, this.cron).trim().split(/\s+/).join(' ');
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
