import { env } from "./env.server.ts";
import { migrate } from "./migrate.server.ts";
import { db, dialect } from "./db.server.ts";
import { resumeLapsedClusterDecisions } from "./modules/clusters/decide.server.ts";
import { startReportRefresher } from "./modules/reporting/refresher.server.ts";
import { startDispatcher } from "./modules/webhooks/dispatcher.server.ts";

/** Runs before the server listens: the schema is brought up to date, then demo data if asked. */
export async function bootstrap() {
  await migrate(env.DATABASE_URL, { log: (m) => console.log(m) });
  if (dialect === "sqlite") {
    await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    // Every acknowledged write reaches the disk before it is acknowledged, as on the direct connection (app/db-direct.server.ts).
    await db.$executeRawUnsafe("PRAGMA synchronous = FULL");
  }
  if (env.DOCKET_DEMO) {
    const { loadDemo } = await import("./demo/load.server.ts");
    const summary = await loadDemo();
    console.log(`demo data: ${summary}`);
  }
  // A cluster decision a stopped process left half done is taken up here once its runner's lease lapses.
  const stopped = await resumeLapsedClusterDecisions();
  if (stopped > 0) console.log(`cluster decisions to resume: ${stopped}`);
  // Webhooks are sent from here on; a lease shorter than an attempt stops the start instead.
  if (startDispatcher()) console.log("webhook dispatcher started");
  startReportRefresher();
}
