// node:fs for the modules every command loads (the CLI entry, the database open, the migrations' paths). Imported as
// an ES module, node:fs first builds its module facade, which evaluates every export, `promises` included, and so
// loads fs/promises: ~5 ms of each start on a quiet machine (bench:scale --only startup). process.getBuiltinModule
// returns the same module object without the facade. test/architecture.test.ts keeps the start-up path on this.

/** The node:fs module, taken without its ES module facade. */
export const fs = process.getBuiltinModule('node:fs');
