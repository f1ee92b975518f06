import type { FailureCode, Stage } from '../programmers/driver.js';

/** A device's identity in a lot. */
export interface DeviceRef {
  lot: string;
  reel: string;
  seq: number;
}

/** Why a run ended; maps onto the exit code. */
export type RunEnd = 'done' | 'yield-stop' | 'interrupted' | 'no-sites' | 'db-error' | 'lease-lost' | 'serial-exhausted' | 'out-of-work';

/** Events a run emits; NDJSON prints each as one line (schema in docs/events.md). */
export type RunEvent =
  | {
      type: 'run-start';
      at: string;
      lot: string;
      job: string;
      chip: string;
      programmers: number;
      sites: number;
      remaining: number;
      /** How each pinned image was found unchanged before the first device: read and hashed, or same file identity. */
      images: { path: string; by: 'sha256' | 'identity'; ms: number }[];
    }
  | { type: 'cycle-start'; at: string; wave: number; programmer: string; devices: { site: number; device: DeviceRef; attempt: number; serial: string | null }[] }
  | { type: 'site-progress'; programmer: string; site: number; stage: Stage | 'done'; bytesDone: number; bytesTotal: number }
  | {
      type: 'device-result';
      at: string;
      device: DeviceRef;
      programmer: string;
      site: number;
      adapter: string | null;
      attempt: number;
      result: 'pass' | 'fail';
      failureCode: FailureCode | null;
      stage: Stage | null;
      /** True when this attempt decided the device (no retry follows). */
      final: boolean;
      serial: string | null;
      badBlocks: number;
      ms: number;
    }
  | { type: 'alarm'; at: string; code: string; message: string; programmer?: string; site?: number; adapter?: string }
  | { type: 'hub'; at: string; online: boolean; waiting: number; message: string }
  | { type: 'lot-progress'; at: string; planned: number; passed: number; failed: number; remaining: number; devicesPerHour: number; etaSeconds: number | null }
  | { type: 'lot-done'; at: string; end: RunEnd; planned: number; passed: number; failed: number; remaining: number; yield: number | null; seconds: number };

/** Receives a run's events. */
export type RunListener = (e: RunEvent) => void;

/** ISO time now. */
export const now = (): string => new Date().toISOString();
