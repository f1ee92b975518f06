// Socket insertion counters as CFX maintenance data (IPC CFX SDK, added in CFX 1.3:
// CFX/Maintenance/ResourceMaintenanceAndServiceEvent.cs, CFX/Structures/Maintenance/MaintenanceInformation.cs,
// CounterType.cs). Each adapter is a resource of the station; its socket receptacle's insertions are an
// ActivityCount counter, its rated life gives CurrentRatio (100 = due), and the last socket replacement is the last
// maintenance (the count restarts from zero there).

/** One adapter's socket counter at a moment. */
export interface SocketCounter {
  adapter: string;
  /** `programmer.site` where it is mounted, or null on the shelf. */
  location: string | null;
  insertions: number;
  ratedInsertions: number | null;
  /** When its socket receptacle was last replaced (its counter restarted from 0 then), or null when never. */
  socketSince: string | null;
}

/** ResourceMaintenanceAndServiceEvent: the insertion counters of `adapters` at `at`, for the station `handle`. */
export function socketCounters(handle: string, at: string, adapters: SocketCounter[]) {
  return {
    EventDateTime: at,
    Machine: { UniqueIdentifier: handle, Name: handle, ResourceType: 'Programmer' },
    MachineServiceAndMaintenanceData: adapters.map((a) => ({
      UniqueIdentifier: a.adapter,
      Name: a.location ? `adapter ${a.adapter} at ${a.location}` : `adapter ${a.adapter}`,
      MaintenanceDetails: [
        {
          Name: 'SocketInsertions',
          CounterType: 'ActivityCount',
          MeasurementLocation: a.location,
          CurrentCounterValue: a.insertions,
          CurrentRatio: a.ratedInsertions ? Math.round((a.insertions / a.ratedInsertions) * 1000) / 10 : null,
          CurrentRatioValid: a.ratedInsertions !== null && a.ratedInsertions > 0,
          CurrentTimeStamp: at,
          LastMaintenanceCounterValue: a.socketSince === null ? null : 0,
          LastMaintenanceTimeStamp: a.socketSince,
          LastMaintenanceValid: a.socketSince !== null,
        },
      ],
    })),
  };
}
