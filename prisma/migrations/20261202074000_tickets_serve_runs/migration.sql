-- A ticket is its own record that runs point at (a recurring problem's ticket serves several runs of
-- one job); every existing run ticket is kept: the table is renamed, not rebuilt, and each run
-- points at the ticket that was created for it.

-- CreateEnum
CREATE TYPE "TicketOrigin" AS ENUM ('created', 'linked');

-- CreateEnum
CREATE TYPE "NoteVisibility" AS ENUM ('internal', 'all');

-- CreateEnum
CREATE TYPE "NoteState" AS ENUM ('pending', 'created', 'failed');

-- RunTicket becomes Ticket, with the names Prisma gives its constraints and indexes
ALTER TABLE "RunTicket" RENAME TO "Ticket";
ALTER TABLE "Ticket" RENAME CONSTRAINT "RunTicket_pkey" TO "Ticket_pkey";
ALTER SEQUENCE "RunTicket_id_seq" RENAME TO "Ticket_id_seq";
ALTER TABLE "Ticket" RENAME COLUMN "runId" TO "originRunId";
ALTER INDEX "RunTicket_runId_key" RENAME TO "Ticket_originRunId_key";
ALTER INDEX "RunTicket_reference_key" RENAME TO "Ticket_reference_key";
ALTER INDEX "RunTicket_ticketId_key" RENAME TO "Ticket_ticketId_key";
ALTER INDEX "RunTicket_state_idx" RENAME TO "Ticket_state_idx";
ALTER INDEX "RunTicket_statusCheckedAt_idx" RENAME TO "Ticket_statusCheckedAt_idx";
ALTER TABLE "Ticket" RENAME CONSTRAINT "RunTicket_runId_fkey" TO "Ticket_originRunId_fkey";
ALTER TABLE "Ticket" RENAME CONSTRAINT "RunTicket_createdById_fkey" TO "Ticket_createdById_fkey";
ALTER TABLE "Ticket" RENAME CONSTRAINT "RunTicket_resolvedById_fkey" TO "Ticket_resolvedById_fkey";

-- The job a ticket serves, from the run it was created for
ALTER TABLE "Ticket" ADD COLUMN "jobId" INTEGER;
UPDATE "Ticket" t SET "jobId" = r."jobId" FROM "Run" r WHERE r."id" = t."originRunId";
ALTER TABLE "Ticket" ALTER COLUMN "jobId" SET NOT NULL;
ALTER TABLE "Ticket" ADD COLUMN "origin" "TicketOrigin" NOT NULL DEFAULT 'created';

-- Runs point at their ticket; each existing ticket's run is linked when and by whom it was created
ALTER TABLE "Run" ADD COLUMN "ticketLinkedAt" TIMESTAMP(3),
ADD COLUMN "ticketLinkedById" INTEGER,
ADD COLUMN "ticketRecordId" INTEGER;
UPDATE "Run" r SET "ticketRecordId" = t."id", "ticketLinkedAt" = t."createdAt", "ticketLinkedById" = t."createdById"
FROM "Ticket" t WHERE t."originRunId" = r."id";

-- CreateTable
CREATE TABLE "TicketNote" (
    "id" SERIAL NOT NULL,
    "ticketRecordId" INTEGER NOT NULL,
    "reference" TEXT NOT NULL,
    "runId" INTEGER,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "visibility" "NoteVisibility" NOT NULL,
    "noteTypeId" INTEGER NOT NULL,
    "state" "NoteState" NOT NULL DEFAULT 'pending',
    "attemptStartedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "autotaskNoteId" INTEGER,
    "lastError" TEXT,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketNote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Ticket_jobId_state_idx" ON "Ticket"("jobId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "TicketNote_reference_key" ON "TicketNote"("reference");

-- CreateIndex
CREATE INDEX "TicketNote_ticketRecordId_idx" ON "TicketNote"("ticketRecordId");

-- CreateIndex
CREATE INDEX "Run_ticketRecordId_idx" ON "Run"("ticketRecordId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_ticketRecordId_fkey" FOREIGN KEY ("ticketRecordId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_ticketLinkedById_fkey" FOREIGN KEY ("ticketLinkedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketNote" ADD CONSTRAINT "TicketNote_ticketRecordId_fkey" FOREIGN KEY ("ticketRecordId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketNote" ADD CONSTRAINT "TicketNote_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
