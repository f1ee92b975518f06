import type { ProcessedUnit } from './messages.js';

/** What changes between the insertions of one run (its transaction, recipe and image are fixed). */
export type InsertionFields = Omit<ProcessedUnit, 'transactionId' | 'recipe' | 'imageSha256'>;

const str = JSON.stringify;
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The UnitsProcessed body of one run's insertions as JSON text, written straight from the fields: byte for byte
 * `JSON.stringify(unitsProcessed(u))` (test/mes/units-processed-text.test.ts holds the two together), without the
 * object tree and its stringify on the recording thread (measured 7.9 µs per insertion).
 */
export function unitsProcessedText(transactionId: string, recipe: string, imageSha256: string): (u: InsertionFields) => string {
  const head = `{"TransactionId":${str(transactionId)},"OverallResult":`;
  const common = `,"RecipeName":${str(recipe)},"CommonProcessData":{"$type":"CFX.Structures.Generic.GenericProcessData, CFX","Setpoints":[],"Readings":[{"Name":"Duration","Value":`;
  const image = `,"Units":"blocks"}],"Parameters":[{"Name":"ImageSHA256","Value":${str(imageSha256)}},{"Name":"HashAlgorithm","Value":"SHA-256"},{"Name":"Programmer","Value":`;
  return (u) => {
    const result = u.failureCode === null ? '"Succeeded"' : '"Failed"';
    const failure = u.failureCode ? `,{"Name":"FailureCode","Value":${str(u.failureCode)}},{"Name":"FailureStage","Value":${str(u.stage ?? '')}}` : '';
    return (
      `${head}${result}${common}${num(Math.round(u.durationSeconds * 1000) / 1000)},"Units":"s"},{"Name":"BadBlocks","Value":${num(u.badBlocks)}${image}` +
      `${str(u.programmer)}},{"Name":"Site","Value":"${u.site}"},{"Name":"Adapter","Value":${str(u.adapter ?? '')}},{"Name":"Attempt","Value":"${u.attempt}"}${failure}],"StageData":[]},` +
      `"UnitProcessData":[{"UnitIdentifier":${str(u.unit)},"UnitPositionNumber":${num(u.site + 1)},"OverallResult":${result}}]}`
    );
  };
}

/** The UnitsPersonalized body of one of a run's devices as JSON text: byte for byte `JSON.stringify(unitsPersonalized(…))`. */
export function unitsPersonalizedText(transactionId: string): (unit: string, site: number, fields: readonly { name: string; text: string }[]) => string {
  const head = `{"TransactionId":${str(transactionId)},"PersonalizedUnits":[{"UnitIdentifier":`;
  return (unit, site, fields) => {
    let chars = '';
    for (let i = 0; i < fields.length; i++) chars += `${i === 0 ? '' : ','}{"Name":${str(fields[i].name)},"Value":${str(fields[i].text)}}`;
    return `${head}${str(unit)},"UnitPositionNumber":${num(site + 1)},"Characteristics":[${chars}]}]}`;
  };
}
