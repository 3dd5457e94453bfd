/*
  Warnings:

  - A unique constraint covering the columns `[jobId,expectedAt]` on the table `Run` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "ScheduleKind" AS ENUM ('daily', 'weekdays', 'weekly', 'hourly');

-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'missed';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "pauseEndsAt" TIMESTAMP(3),
ADD COLUMN     "pauseReason" TEXT,
ADD COLUMN     "pausedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "pauseEndsAt" TIMESTAMP(3),
ADD COLUMN     "pauseReason" TEXT,
ADD COLUMN     "pausedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "expectedAt" TIMESTAMP(3),
ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "JobSchedule" (
    "jobId" INTEGER NOT NULL,
    "kind" "ScheduleKind" NOT NULL,
    "minuteOfDay" INTEGER NOT NULL,
    "weekdays" INTEGER[],
    "everyHours" INTEGER,
    "graceMinutes" INTEGER NOT NULL,
    "checkedUntil" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedById" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobSchedule_pkey" PRIMARY KEY ("jobId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Run_jobId_expectedAt_key" ON "Run"("jobId", "expectedAt");

-- AddForeignKey
ALTER TABLE "JobSchedule" ADD CONSTRAINT "JobSchedule_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobSchedule" ADD CONSTRAINT "JobSchedule_confirmedById_fkey" FOREIGN KEY ("confirmedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Written by hand from here: what the Prisma schema cannot say.

-- Run Checks search. "searchText" holds the lower-cased remark and object names and messages of a
-- run, so a search is one pass over runs (a trigram index of the unreviewed ones) instead of a scan
-- of every object. Kept by triggers, so every writer (ingestion, demo data, tests) keeps it right.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION backupchecks_run_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchText" := lower(coalesce(NEW.remark, ''));
  -- A new run has no objects yet (they are appended below); a changed remark keeps them.
  IF TG_OP = 'UPDATE' THEN
    NEW."searchText" := NEW."searchText" || coalesce((
      SELECT string_agg(' ' || lower(o.name || ' ' || coalesce(o.message, '')), '' ORDER BY o.position)
      FROM "RunObject" o WHERE o."runId" = NEW.id), '');
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Run_searchText_remark" BEFORE INSERT OR UPDATE OF remark ON "Run"
  FOR EACH ROW EXECUTE FUNCTION backupchecks_run_search_text();

-- Objects are written once, after their run: one UPDATE per INSERT statement appends them.
CREATE FUNCTION backupchecks_run_search_text_objects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Run" r SET "searchText" = r."searchText" || added.text
  FROM (SELECT "runId", string_agg(' ' || lower(name || ' ' || coalesce(message, '')), '' ORDER BY position) AS text
        FROM new_objects GROUP BY "runId") added
  WHERE r.id = added."runId";
  RETURN NULL;
END $$;

CREATE TRIGGER "RunObject_searchText" AFTER INSERT ON "RunObject"
  REFERENCING NEW TABLE AS new_objects
  FOR EACH STATEMENT EXECUTE FUNCTION backupchecks_run_search_text_objects();

UPDATE "Run" SET remark = remark;

-- Unreviewed runs are what Run Checks reads on every request: a small partial index per purpose.
CREATE INDEX "Run_unreviewed_job_idx" ON "Run" ("jobId", status, "runAt", id) INCLUDE ("ticketRecordId") WHERE "reviewedAt" IS NULL;
CREATE INDEX "Run_unreviewed_search_idx" ON "Run" USING gin ("searchText" gin_trgm_ops) WHERE "reviewedAt" IS NULL;
