/*
  Warnings:

  - A unique constraint covering the columns `[psaType,companyId]` on the table `CompanyMapping` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[psaType,ticketId]` on the table `Ticket` will be added. If there are existing duplicate values, this will fail.

*/
-- DropIndex
DROP INDEX "CompanyMapping_companyId_key";

-- DropIndex
DROP INDEX "Ticket_ticketId_key";

-- AlterTable
ALTER TABLE "ApiCallLog" ADD COLUMN     "psaType" TEXT NOT NULL DEFAULT 'autotask';

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "psaType" TEXT NOT NULL DEFAULT 'autotask',
ADD COLUMN     "statusClosed" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "StoredMapping" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "psaType" TEXT NOT NULL,
    "companyId" INTEGER NOT NULL,
    "companyName" TEXT,
    "contactId" INTEGER,
    "contactName" TEXT,
    "mappedAt" TIMESTAMP(3),
    "mappedById" INTEGER,
    "storedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectWiseSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "siteHost" TEXT,
    "codebase" TEXT,
    "companyId" TEXT,
    "publicKey" TEXT,
    "privateKeyEncrypted" TEXT,
    "clientId" TEXT,
    "boardId" INTEGER,
    "newStatusId" INTEGER,
    "closedStatusId" INTEGER,
    "typeId" INTEGER,
    "subTypeId" INTEGER,
    "itemId" INTEGER,
    "priorityErrorId" INTEGER,
    "priorityWarningId" INTEGER,
    "allowResolve" BOOLEAN NOT NULL DEFAULT false,
    "timeEntriesProvenAt" TIMESTAMP(3),
    "timeEntriesCheckedAt" TIMESTAMP(3),
    "timeEntriesReason" TEXT,
    "apiLogLevel" "ApiLogLevel" NOT NULL DEFAULT 'errors',
    "lists" JSONB,
    "listsLoadedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" INTEGER,

    CONSTRAINT "ConnectWiseSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StoredMapping_customerId_psaType_key" ON "StoredMapping"("customerId", "psaType");

-- CreateIndex
CREATE UNIQUE INDEX "CompanyMapping_psaType_companyId_key" ON "CompanyMapping"("psaType", "companyId");

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_psaType_ticketId_key" ON "Ticket"("psaType", "ticketId");

-- AddForeignKey
ALTER TABLE "StoredMapping" ADD CONSTRAINT "StoredMapping_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tickets read before this migration: Autotask's Complete (5) is its one closed status.
UPDATE "Ticket" SET "statusClosed" = true WHERE "statusId" = 5;
