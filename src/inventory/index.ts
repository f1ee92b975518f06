// The inventory API the scheduler, planner and CLI use: programmers, adapters, wear, compatibility.
export { addProgrammer, getProgrammer, listProgrammers, removeProgrammer, type NewProgrammer, type Programmer } from './programmers.js';
export { addAdapter, getAdapter, mountAdapter, overrideLife, replaceSocket, retireAdapter, unmountAdapter, type AdapterRow } from './adapters.js';
export { adapterInsertions, adapterStatus, lifeLeftPct, type AdapterStatus } from './wear.js';
export { adapterStates, inventory, type AdapterState, type Inventory, type ProgrammerState, type SiteState } from './inventory.js';
export { compatReport, type CompatReport, type CompatRow } from './compat-report.js';
