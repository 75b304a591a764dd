// Runs before each test file, before it imports the app: every file gets its own empty database.
import { freshDatabase } from "./databases.ts";

process.env.DATABASE_URL = await freshDatabase();
process.env.NODE_ENV = "test";
