import type { ChannelId } from '../domain/index.js';

/** What the engine reports; bin/ backs it with Prometheus. */
export interface EngineMetrics {
  inbound(channel: ChannelId, outcome: 'accepted' | 'duplicate' | 'invalid'): void;
  outbound(channel: ChannelId, outcome: 'sent' | 'failed' | 'retried' | 'suppressed'): void;
  turnLatency(seconds: number): void;
  turnFailed(): void;
}

export const noopMetrics: EngineMetrics = {
  inbound: () => {},
  outbound: () => {},
  turnLatency: () => {},
  turnFailed: () => {},
};
