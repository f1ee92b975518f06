/**
 * Where a run's work comes from when a hub hands it out (a station of a factory): reels and serial values are leased
 * a piece at a time. A run without a hub has none: its lot's reels are all its own.
 */
export interface WorkSupply {
  /** Before each wave (outside any transaction): top up what the next `devices` devices need (serial blocks). */
  beforeWave(devices: number): Promise<void>;
  /** The device queue ran dry: lease more (a reel); true when there is more to program. */
  more(): Promise<boolean>;
  /** True once since a reel was taken away from this station (moved): the queue is derived again. */
  changed(): boolean;
  /**
   * Devices of the reels held here below their start seq that the hub has no device for (an earlier holder stopped
   * with them unfinished): this station programs them too.
   */
  leftBehind(): { reel: string; seq: number }[];
}
