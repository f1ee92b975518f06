import type { FailureCode } from '../driver.js';

/** Thrown inside a driver operation when the device itself failed (not the link); becomes a SiteFailure. */
export class SiteFail extends Error {
  readonly code: FailureCode;
  readonly badBlocks?: number[];

  constructor(code: FailureCode, message: string, badBlocks?: number[]) {
    super(message);
    this.name = 'SiteFail';
    this.code = code;
    this.badBlocks = badBlocks;
  }
}
