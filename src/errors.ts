/** Where in a user's file an error applies. */
export interface ErrorPlace {
  file?: string;
  line?: number;
  offset?: number;
}

/** Base of every error a user can cause or meet: a stable `code`, a place, and a message that says what to do. */
export class GangflashError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly offset?: number;
  /** Structured detail for scripts (e.g. every bad row of an import). */
  readonly details?: unknown;

  constructor(code: string, message: string, place: ErrorPlace = {}, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.file = place.file;
    this.line = place.line;
    this.offset = place.offset;
    this.details = details;
  }

  /** The error as one JSON-able object for `--json` output. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, line: this.line, offset: this.offset, details: this.details };
  }

  /** The message prefixed with file:line or file@offset, as printed to a user. */
  describe(): string {
    let where = '';
    if (this.file !== undefined) {
      where = this.file;
      if (this.line !== undefined) where += `:${this.line}`;
      else if (this.offset !== undefined) where += ` at byte offset ${this.offset}`;
      where += ': ';
    }
    return `${where}${this.message}`;
  }
}

/** Wrong command-line use: missing or contradictory options. */
export class UsageError extends GangflashError {}
/** A chip or adapter catalog file, or a catalog lookup, that is wrong. */
export class CatalogError extends GangflashError {}
/** gangflash's own installation is broken: a native module (better-sqlite3) failed to load. Not a data problem. */
export class InstallError extends GangflashError {}
/** The database cannot be opened, migrated or written. */
export class DbError extends GangflashError {}
/** The hub (PostgreSQL) cannot be reached, is not initialised, or refused a write (a fenced lease, a foreign journal). */
export class HubError extends GangflashError {}
/** An image file whose content is not a valid image of its format. */
export class ImageFormatError extends GangflashError {}
/** An image that does not fit a chip, or a layout the chip cannot take. */
export class LayoutError extends GangflashError {}
/** A farm file or programmer description that is wrong. */
export class FarmError extends GangflashError {}
/** A job definition that is wrong or does not match its chip or image. */
export class JobError extends GangflashError {}
/** A reel/lot import file that is wrong. */
export class LotImportError extends GangflashError {}
/** Inventory operations refused (mounting on an occupied slot, an adapter that does not fit, …). */
export class InventoryError extends GangflashError {}
/** A programmer driver could not do what was asked (transport, protocol). */
export class DriverError extends GangflashError {}
/** A site settings file (labour, station and line rates for the planner's costs) that is wrong. */
export class SettingsError extends GangflashError {}

/**
 * An error as plain data, to cross a worker thread's MessagePort: a structured clone keeps neither our class nor
 * `code`, so a worker sends this and the main thread rebuilds the error with `fromWire`.
 */
export interface WireError {
  /** The class name, e.g. `DriverError`. */
  name: string;
  code?: string;
  message: string;
  file?: string;
  line?: number;
  offset?: number;
  cause?: WireError;
}

/** Our error classes by name, as `fromWire` rebuilds them. */
const WIRE_CLASSES: Record<string, new (code: string, message: string, place?: ErrorPlace) => GangflashError> = {
  GangflashError, UsageError, CatalogError, InstallError, DbError, HubError, ImageFormatError, LayoutError, FarmError, JobError, LotImportError, InventoryError, DriverError, SettingsError,
};

/** `e` (any thrown value) as plain data for another thread; causes are kept to a depth of 4. */
export function toWire(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const g = e as Partial<GangflashError>;
  return {
    name: e.name,
    code: typeof g.code === 'string' ? g.code : undefined,
    message: e.message,
    file: g.file,
    line: g.line,
    offset: g.offset,
    cause: e.cause === undefined || depth >= 4 ? undefined : toWire(e.cause, depth + 1),
  };
}

/**
 * The error `w` describes, rebuilt as our class of the same name; anything else (a TypeError, a plain Error from a
 * library) becomes a DriverError with its own code, or `worker-error`, and the same message.
 */
export function fromWire(w: WireError): GangflashError {
  const Class = WIRE_CLASSES[w.name] ?? DriverError;
  const e = new Class(w.code ?? 'worker-error', w.message, { file: w.file, line: w.line, offset: w.offset });
  if (w.cause) Object.defineProperty(e, 'cause', { value: fromWire(w.cause), enumerable: false, writable: true, configurable: true });
  return e;
}
