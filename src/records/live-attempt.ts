// A finished insertion as the dashboard's live stream sends it, from either engine: the station's store reads it
// from its journal, the hub's from every station's uploads (each adds its own id and what only it knows).

/** A finished insertion as the dashboard's live stream sends it, without the id each engine names it by. */
export interface LiveAttempt {
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
  programmerId: number;
  programmer: string;
  site: number;
  adapter: string | null;
  result: 'pass' | 'fail';
  failureCode: string | null;
  stage: string | null;
  startedAt: string;
  endedAt: string | null;
}
