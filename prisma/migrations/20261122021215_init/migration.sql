-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'operator', 'reporter');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('success', 'warning', 'error');

-- CreateEnum
CREATE TYPE "MappingStatus" AS ENUM ('ok', 'renamed', 'missing', 'invalid');

-- CreateEnum
CREATE TYPE "TicketState" AS ENUM ('pending', 'created', 'failed');

-- CreateEnum
CREATE TYPE "AutotaskEnvironment" AS ENUM ('sandbox', 'production');

-- CreateEnum
CREATE TYPE "ApiLogLevel" AS ENUM ('off', 'errors', 'all');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "backupSoftware" TEXT NOT NULL,
    "backupType" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" SERIAL NOT NULL,
    "jobId" INTEGER NOT NULL,
    "runAt" TIMESTAMP(3) NOT NULL,
    "status" "RunStatus" NOT NULL,
    "remark" TEXT,
    "externalId" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "reviewedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunObject" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT,
    "status" "RunStatus" NOT NULL,
    "message" TEXT,

    CONSTRAINT "RunObject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompanyMapping" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "psaType" TEXT NOT NULL DEFAULT 'autotask',
    "companyId" INTEGER,
    "companyName" TEXT,
    "status" "MappingStatus" NOT NULL DEFAULT 'missing',
    "statusReason" TEXT,
    "lastSyncAt" TIMESTAMP(3),
    "lastError" TEXT,
    "mappedAt" TIMESTAMP(3),
    "mappedById" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CompanyMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunTicket" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "state" "TicketState" NOT NULL DEFAULT 'pending',
    "reference" TEXT NOT NULL,
    "attemptStartedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "ticketId" INTEGER,
    "ticketNumber" TEXT,
    "url" TEXT,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "statusId" INTEGER,
    "statusLabel" TEXT,
    "statusCheckedAt" TIMESTAMP(3),
    "timeEntryCount" INTEGER,
    "timeEntriesCheckedAt" TIMESTAMP(3),
    "closingNoteId" INTEGER,
    "resolvedById" INTEGER,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "RunTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "environment" "AutotaskEnvironment" NOT NULL DEFAULT 'sandbox',
    "apiUsername" TEXT,
    "secretEncrypted" TEXT,
    "integrationCode" TEXT,
    "baseUrl" TEXT,
    "queueId" INTEGER,
    "issueTypeId" INTEGER,
    "subIssueTypeId" INTEGER,
    "sourceId" INTEGER,
    "priorityErrorId" INTEGER,
    "priorityWarningId" INTEGER,
    "newStatusId" INTEGER,
    "noteTypeId" INTEGER,
    "allowResolve" BOOLEAN NOT NULL DEFAULT false,
    "apiLogLevel" "ApiLogLevel" NOT NULL DEFAULT 'errors',
    "syncIntervalMinutes" INTEGER,
    "zoneName" TEXT,
    "zoneApiUrl" TEXT,
    "zoneWebUrl" TEXT,
    "zoneCheckedAt" TIMESTAMP(3),
    "picklists" JSONB,
    "picklistsLoadedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" INTEGER,

    CONSTRAINT "IntegrationSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" INTEGER,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "summary" TEXT NOT NULL,
    "details" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiCallLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "operation" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER,
    "ok" BOOLEAN NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,

    CONSTRAINT "ApiCallLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLog" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "ok" BOOLEAN NOT NULL DEFAULT false,
    "checked" INTEGER NOT NULL DEFAULT 0,
    "renamed" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "durationMs" INTEGER,
    "message" TEXT,

    CONSTRAINT "SyncLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_sid_key" ON "Session"("sid");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_nameKey_key" ON "Customer"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "Job_customerId_name_key" ON "Job"("customerId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Run_externalId_key" ON "Run"("externalId");

-- CreateIndex
CREATE INDEX "Run_reviewedAt_status_idx" ON "Run"("reviewedAt", "status");

-- CreateIndex
CREATE INDEX "Run_jobId_runAt_idx" ON "Run"("jobId", "runAt");

-- CreateIndex
CREATE INDEX "Run_runAt_idx" ON "Run"("runAt");

-- CreateIndex
CREATE INDEX "RunObject_runId_idx" ON "RunObject"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "CompanyMapping_customerId_key" ON "CompanyMapping"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "CompanyMapping_companyId_key" ON "CompanyMapping"("companyId");

-- CreateIndex
CREATE INDEX "CompanyMapping_status_idx" ON "CompanyMapping"("status");

-- CreateIndex
CREATE INDEX "CompanyMapping_lastSyncAt_idx" ON "CompanyMapping"("lastSyncAt");

-- CreateIndex
CREATE UNIQUE INDEX "RunTicket_runId_key" ON "RunTicket"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "RunTicket_reference_key" ON "RunTicket"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "RunTicket_ticketId_key" ON "RunTicket"("ticketId");

-- CreateIndex
CREATE INDEX "RunTicket_state_idx" ON "RunTicket"("state");

-- CreateIndex
CREATE INDEX "RunTicket_statusCheckedAt_idx" ON "RunTicket"("statusCheckedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "ApiCallLog_at_idx" ON "ApiCallLog"("at");

-- CreateIndex
CREATE INDEX "ApiCallLog_ok_at_idx" ON "ApiCallLog"("ok", "at");

-- CreateIndex
CREATE INDEX "SyncLog_kind_startedAt_idx" ON "SyncLog"("kind", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunObject" ADD CONSTRAINT "RunObject_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompanyMapping" ADD CONSTRAINT "CompanyMapping_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTicket" ADD CONSTRAINT "RunTicket_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTicket" ADD CONSTRAINT "RunTicket_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTicket" ADD CONSTRAINT "RunTicket_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
