import { describe, expect, it } from "vitest";
import { migrate } from "~/migrate.server.ts";
import { emptyDatabase, engine, rootBefore } from "../support/old-installation.ts";

describe("migration 100 on an existing installation", () => {
  it("keeps a team's own queue named Appeals, sets no hours of its own, and leaves an open routing draft to publish the appeal rule", async () => {
    const { root, addRest } = rootBefore("100_");
    const db = await emptyDatabase();
    try {
      await migrate(db.url, { root });
      const now = engine === "sqlite" ? String(Date.now()) : "CURRENT_TIMESTAMP";
      await db.sql(`INSERT INTO "Queue" ("id", "name", "description", "updatedAt") VALUES ('team-appeals', 'appeals', 'The team''s own', ${now})`);
      await db.sql(`INSERT INTO "RoutingVersion" ("id", "number", "status", "rules", "changeNote", "updatedAt")
        SELECT 'team-draft', 2, 'draft', "rules", '', ${now} FROM "RoutingVersion" WHERE "status" = 'published'`);
      addRest();
      await migrate(db.url, { root });

      const [queue] = await db.sql(`SELECT "name", "deadlineHours" FROM "Queue" WHERE "id" = 'queue-appeals'`);
      expect(queue).toEqual({ name: "Appeals (DSA Art. 20)", deadlineHours: "{}" });
      const versions = await db.sql(`SELECT "id", "number", "status", "rules" FROM "RoutingVersion" ORDER BY "number"`);
      // Nothing published above the draft: the starter stays live, and the draft carries the appeal rule.
      expect(versions.map((v) => [v.id, Number(v.number), v.status])).toEqual([
        ["routing-starter", 1, "published"],
        ["team-draft", 2, "draft"],
      ]);
      const draftRules = JSON.parse(String(versions[1].rules)) as { id: string; stage: string; queueId: string }[];
      expect(draftRules.at(-1)).toMatchObject({ id: "rule-starter-appeals", stage: "appeal", queueId: "queue-appeals" });
    } finally {
      await db.close();
    }
  });

  it("on an installation without a draft, publishes the live rules with the appeal rule as the next version", async () => {
    const { root, addRest } = rootBefore("100_");
    const db = await emptyDatabase();
    try {
      await migrate(db.url, { root });
      addRest();
      await migrate(db.url, { root });
      const versions = await db.sql(`SELECT "number", "status", "rules" FROM "RoutingVersion" ORDER BY "number"`);
      expect(versions.map((v) => [Number(v.number), v.status])).toEqual([
        [1, "retired"],
        [2, "published"],
      ]);
      const rules = JSON.parse(String(versions[1].rules)) as { id: string }[];
      expect(rules.map((r) => r.id)).toEqual(["rule-starter-escalations", "rule-starter-review", "rule-starter-appeals"]);
      const [queue] = await db.sql(`SELECT "name" FROM "Queue" WHERE "id" = 'queue-appeals'`);
      expect(queue.name).toBe("Appeals");
    } finally {
      await db.close();
    }
  });
});
