import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineMetrics } from '../core/engine/index.js';

/** Prometheus metrics for `GET /metrics`. */
export function createMetrics(queueDepth: () => number): { registry: Registry; engine: EngineMetrics; errors: (source: string, outcome: string) => void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const inbound = new Counter({ name: 'parley_inbound_messages_total', help: 'Inbound messages by channel and outcome', labelNames: ['channel', 'outcome'], registers: [registry] });
  const outbound = new Counter({ name: 'parley_outbound_messages_total', help: 'Outbound sends by channel and outcome', labelNames: ['channel', 'outcome'], registers: [registry] });
  const turns = new Histogram({
    name: 'parley_turn_duration_seconds',
    help: 'Time from a turn starting to its commit',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failed = new Counter({ name: 'parley_turns_failed_total', help: 'Turns that failed', registers: [registry] });
  const errors = new Counter({ name: 'parley_errors_total', help: 'Failures reported to the error sink, by where they happened and what became of the work', labelNames: ['source', 'outcome'], registers: [registry] });
  new Gauge({ name: 'parley_queue_depth', help: 'Turns and sends waiting or running', registers: [registry], collect() { this.set(queueDepth()); } });
  return {
    registry,
    errors: (source, outcome) => errors.inc({ source, outcome }),
    engine: {
      inbound: (channel, outcome) => inbound.inc({ channel, outcome }),
      outbound: (channel, outcome) => outbound.inc({ channel, outcome }),
      turnLatency: (seconds) => turns.observe(seconds),
      turnFailed: () => failed.inc(),
    },
  };
}
