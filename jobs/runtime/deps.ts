import { newId, type Conversation, type DomainEvent, type NewDomainEvent, type OutboundMessage, type Stage } from '../../core/domain/index.js';
import type { Engine, OperatorNotificationKind } from '../../core/engine/index.js';
import type { Clock, EventBus, Logger, Store } from '../../core/ports/index.js';
import type { NudgePolicy, ReminderLead } from '../policy/index.js';
import type { AgendaScheduler } from '../scheduler/agenda-scheduler.js';

/** Services other features provide, read when needed (they may be registered after the jobs). */
export interface JobServices {
  notifyOperators?: ((n: { conversationId: string; kind: OperatorNotificationKind; title: string; body: string }) => Promise<void>) | undefined;
  hrBroadcast?: ((text: string, kind: 'alert' | 'digest', about?: { conversationId: string; candidateId: string }) => Promise<void>) | undefined;
  pendingPrompt?: ((conversation: Conversation) => OutboundMessage | undefined) | undefined;
}

/** When the funnel and the needs-human queue are checked, and what counts as a problem. */
export interface OpsAlertSettings {
  everyMs: number;
  /** Drop-offs in the last window are compared with the average of the `baselineWindows` windows before it. */
  windowMs: number;
  baselineWindows: number;
  /** A spike: at least `minDropOffs` in the window and at least `spikeFactor` times the baseline average. */
  minDropOffs: number;
  spikeFactor: number;
  /** The queue is backed up when more than `queueMax` conversations wait, or the oldest waited `queueMaxWaitMs`. */
  queueMax: number;
  queueMaxWaitMs: number;
}

/** Everything configurable about the jobs, already parsed (see bin/plugins/jobs.config.ts). */
export interface JobsSettings {
  company: string;
  defaultTimeZone: string;
  /** Data directory; audio files live under `<dataDir>/audio/`. */
  dataDir: string;
  nudges: NudgePolicy;
  reminderLeads: readonly ReminderLead[];
  riskSweepEveryMs: number;
  /** An interview in progress with no activity for this long is abandoned. */
  abandonAfterMs: number;
  retentionDays: number;
  /** Candidates in these stages for longer than the days given are erased (unset stage: never). */
  retentionByStage?: Partial<Record<Stage, number>>;
  /** When the file is compacted after an at-once erasure: right away (default) or at the daily run. */
  erasureCompact?: 'now' | 'daily';
  /** Daily runs, minutes after midnight UTC. */
  retentionAtMinute: number;
  digestAtMinute: number;
  /** The drop-off spike and needs-human queue check (unset: not scheduled). */
  opsAlerts?: OpsAlertSettings;
}

export interface JobsDeps {
  store: Store;
  engine: () => Engine;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  scheduler: AgendaScheduler;
  services: JobServices;
  settings: JobsSettings;
}

/**
 * Record events that happen outside a turn (a reminder sent, a sweep's assessment): stored as the
 * audit trail, then pushed to live subscribers (console, alerts).
 */
export async function recordEvents(deps: Pick<JobsDeps, 'store' | 'bus' | 'clock'>, events: NewDomainEvent[]): Promise<DomainEvent[]> {
  if (!events.length) return [];
  const at = deps.clock.now();
  const stamped = events.map((e) => ({ ...e, id: newId('evt'), at, actor: e.actor ?? 'system' }) as DomainEvent);
  await deps.store.appendEvents(stamped);
  for (const e of stamped) deps.bus.publish(e);
  return stamped;
}
