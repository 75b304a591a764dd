// Runs before each test file, before it imports the app: every file gets its own empty database.
import { freshDatabase } from "./databases.ts";

process.env.DATABASE_URL = await freshDatabase();
process.env.NODE_ENV = "test";
// The key that encrypts webhook signing secrets, shared by the test process and the servers it starts.
process.env.DOCKET_WEBHOOK_KEY ??= "5f".repeat(32);
