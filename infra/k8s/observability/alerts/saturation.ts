import { quantityToBytes, quantityToCores } from '../../quantity';
import type { AlertContext, AlertDefinition } from './alert';

/**
 * Saturation, from the gateway's own process metrics against its container limits (known at synth
 * time), so the rules need nothing beyond what the gateway exports.
 */
export function saturationAlerts({ selector, thresholds, resources }: AlertContext): AlertDefinition[] {
  const cpuLimitCores = quantityToCores(resources.limits.cpu);
  const memoryLimitBytes = quantityToBytes(resources.limits.memory);
  return [
    {
      alert: 'GatewayHighCpu',
      expr: `rate(process_cpu_seconds_total{${selector}}[5m]) / ${cpuLimitCores} > ${thresholds.cpuRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Gateway pod is using most of its CPU limit.',
      description: `Pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its ${resources.limits.cpu} CPU limit (threshold ${thresholds.cpuRatio * 100}%).`,
    },
    {
      alert: 'GatewayHighMemory',
      expr: `process_resident_memory_bytes{${selector}} / ${memoryLimitBytes} > ${thresholds.memoryRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Gateway pod is close to its memory limit.',
      description: `Pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its ${resources.limits.memory} memory limit (threshold ${thresholds.memoryRatio * 100}%); it will be OOM-killed at the limit.`,
    },
  ];
}
