// The IPC-CFX messages a programming station publishes, and how gangflash's records map onto their bodies
// (docs/mes.md has the table; docs/cfx/ a JSON schema per message). Names and structures follow the IPC CFX SDK
// (IPCConnectedFactoryExchange/CFX: CFX/Production/*, CFX/ResourcePerformance/*, CFX/Materials/*,
// CFX/Structures/ResourceState.cs, CFX/Structures/Generic/GenericProcessData.cs, added in CFX 2.1).

/** The CFX message names gangflash writes to its outbox. */
export const CFX = {
  workStarted: 'CFX.Production.WorkStarted',
  workCompleted: 'CFX.Production.WorkCompleted',
  unitsProcessed: 'CFX.Production.Processing.UnitsProcessed',
  unitsDisqualified: 'CFX.Production.UnitsDisqualified',
  unitsPersonalized: 'CFX.Production.Assembly.UnitsPersonalized',
  stationStateChanged: 'CFX.ResourcePerformance.StationStateChanged',
  faultOccurred: 'CFX.ResourcePerformance.FaultOccurred',
  materialsLoaded: 'CFX.Materials.Storage.MaterialsLoaded',
  materialsConsumed: 'CFX.Materials.Management.MaterialsConsumed',
  materialsUnloaded: 'CFX.Materials.Storage.MaterialsUnloaded',
  stationOnline: 'CFX.ResourcePerformance.StationOnline',
  stationOffline: 'CFX.ResourcePerformance.StationOffline',
  faultAcknowledged: 'CFX.ResourcePerformance.FaultAcknowledged',
  faultCleared: 'CFX.ResourcePerformance.FaultCleared',
  maintenance: 'CFX.Maintenance.ResourceMaintenanceAndServiceEvent',
  areYouThere: 'CFX.AreYouThereRequest',
} as const;

/** One CFX message name. */
export type CfxMessageName = (typeof CFX)[keyof typeof CFX];

/** SEMI E10 station states as CFX's ResourceState enum spells them. */
export type ResourceState = 'Active_Working' | 'Active_Starved' | 'Inactive_Setup' | 'Down_Unplanned' | 'Inactive_MaterialExhausted';

/** The unit identifier of a device: its serial when it has one, else LOT:REEL:SEQ (as `gangflash trace --device`). */
export function unitIdentifier(d: { lot: string; reel: string; seq: number }, serial: string | null): string {
  return serial ?? `${d.lot}:${d.reel}:${d.seq}`;
}

/** What one finished insertion reports (an attempts row and its context). */
export interface ProcessedUnit {
  transactionId: string;
  unit: string;
  recipe: string;
  imageSha256: string;
  programmer: string;
  site: number;
  adapter: string | null;
  attempt: number;
  durationSeconds: number;
  badBlocks: number;
  failureCode: string | null;
  stage: string | null;
}

/** GenericProcessData of one insertion: readings (duration, bad blocks) and parameters (image, site, adapter). */
function processData(u: ProcessedUnit) {
  return {
    $type: 'CFX.Structures.Generic.GenericProcessData, CFX',
    Setpoints: [],
    Readings: [
      { Name: 'Duration', Value: Math.round(u.durationSeconds * 1000) / 1000, Units: 's' },
      { Name: 'BadBlocks', Value: u.badBlocks, Units: 'blocks' },
    ],
    Parameters: [
      { Name: 'ImageSHA256', Value: u.imageSha256 },
      { Name: 'HashAlgorithm', Value: 'SHA-256' },
      { Name: 'Programmer', Value: u.programmer },
      { Name: 'Site', Value: String(u.site) },
      { Name: 'Adapter', Value: u.adapter ?? '' },
      { Name: 'Attempt', Value: String(u.attempt) },
      ...(u.failureCode ? [{ Name: 'FailureCode', Value: u.failureCode }, { Name: 'FailureStage', Value: u.stage ?? '' }] : []),
    ],
    StageData: [],
  };
}

/** UnitsProcessed: one per finished insertion. */
export function unitsProcessed(u: ProcessedUnit) {
  const result = u.failureCode === null ? 'Succeeded' : 'Failed';
  return {
    TransactionId: u.transactionId,
    OverallResult: result,
    RecipeName: u.recipe,
    CommonProcessData: processData(u),
    UnitProcessData: [{ UnitIdentifier: u.unit, UnitPositionNumber: u.site + 1, OverallResult: result }],
  };
}

/** UnitsDisqualified: a device that failed for good. */
export function unitsDisqualified(transactionId: string, unit: string, site: number, failureCode: string, stage: string | null) {
  return {
    TransactionId: transactionId,
    DisqualifiedUnits: [{ UnitIdentifier: unit, PositionNumber: site + 1, PositionName: `site ${site}` }],
    Reason: 'DefectiveRepairNotPossible',
    Comments: stage ? `${failureCode} (${stage})` : failureCode,
  };
}

/** UnitsPersonalized: a passed device and every field its serial rule wrote (serial, MAC address, …). */
export function unitsPersonalized(transactionId: string, unit: string, site: number, fields: { name: string; text: string }[]) {
  return {
    TransactionId: transactionId,
    PersonalizedUnits: [{ UnitIdentifier: unit, UnitPositionNumber: site + 1, Characteristics: fields.map((f) => ({ Name: f.name, Value: f.text })) }],
  };
}

/** WorkStarted: a run of a lot begins. */
export function workStarted(transactionId: string, lot: string, recipe: string, units: number) {
  return { TransactionID: transactionId, PrimaryIdentifier: lot, WorkOrderIdentifier: { WorkOrderId: lot, Batch: null }, RecipeName: recipe, UnitCount: units, Units: [] };
}

/** WorkCompleted: a run of a lot ended (Completed when the lot is done, else Aborted). */
export function workCompleted(transactionId: string, lot: string, recipe: string, done: boolean, units: number, end: string) {
  return { TransactionID: transactionId, PrimaryIdentifier: lot, WorkOrderIdentifier: { WorkOrderId: lot, Batch: null }, RecipeName: recipe, Result: done ? 'Completed' : 'Aborted', UnitCount: units, Units: [], EndReason: end };
}

/** StationStateChanged between two SEMI E10 states. */
export function stationStateChanged(oldState: ResourceState, newState: ResourceState, oldSeconds: number) {
  return { OldState: oldState, OldStateDuration: isoDuration(oldSeconds), NewState: newState, RelatedFault: null };
}

/** FaultOccurred: an alarm of the run (a site disabled, a programmer lost, an adapter worn out, …). */
export function faultOccurred(id: string, code: string, message: string, at: string, where: { programmer?: string; site?: number; adapter?: string | null }) {
  return {
    Fault: {
      Cause: 'MechanicalFailure',
      Severity: 'Error',
      FaultCode: code,
      FaultOccurrenceId: id,
      Lane: null,
      Stage: where.programmer ? { StageSequence: where.site === undefined ? 0 : where.site + 1, StageName: where.site === undefined ? where.programmer : `${where.programmer}:${where.site}`, StageType: 'Work' } : null,
      SideLocation: 'Unknown',
      AccessType: 'Unknown',
      Description: message,
      DescriptionTranslations: {},
      OccurredAt: at,
      DueDateTime: null,
      Adapter: where.adapter ?? null,
    },
  };
}

/** One reel as a CFX material package. */
export interface ReelPackage {
  lot: string;
  reel: string;
  part: string;
  quantity: number;
  dateCode: string;
}

/** MaterialsLoaded: the reels a run starts taking devices from. */
export function materialsLoaded(reels: ReelPackage[]) {
  return { Materials: reels.map((r) => ({ UniqueIdentifier: `${r.lot}:${r.reel}`, InternalPartNumber: r.part, Quantity: r.quantity, DateCode: r.dateCode })) };
}

/** MaterialsConsumed: a reel whose every device is finished (passed and failed counts). */
export function materialsConsumed(transactionId: string, r: ReelPackage, passed: number, failed: number) {
  return { TransactionId: transactionId, Materials: [{ UniqueIdentifier: `${r.lot}:${r.reel}`, InternalPartNumber: r.part, QuantityUsed: passed, QuantityScrapped: failed, RemainingQuantity: 0 }] };
}

/** MaterialsUnloaded: reels taken off the station (used up, or still holding devices when the run ends). */
export function materialsUnloaded(identifiers: string[]) {
  return { MaterialPackageIdentifiers: identifiers };
}

/** StationOnline: the station is back (a run starts), after `offlineSeconds` without a message. */
export function stationOnline(offlineSeconds: number) {
  return { OfflineDuration: isoDuration(offlineSeconds) };
}

/** StationOffline: the station stops communicating (its run ends). */
export function stationOffline() {
  return {};
}

/** An ISO 8601 duration (CFX TimeSpan as JSON). */
function isoDuration(seconds: number): string {
  return `PT${Math.max(0, Math.round(seconds * 1000) / 1000)}S`;
}
