-- CreateTable
CREATE TABLE "CustomerAlias" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "alias" TEXT NOT NULL,
    "aliasKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerAlias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UnmatchedRun" (
    "id" SERIAL NOT NULL,
    "payload" JSONB NOT NULL,
    "customerName" TEXT NOT NULL,
    "customerKey" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "runAt" TIMESTAMP(3) NOT NULL,
    "status" "RunStatus" NOT NULL,
    "externalId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "apiTokenId" INTEGER,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" INTEGER,
    "resolvedRunId" INTEGER,

    CONSTRAINT "UnmatchedRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomerAlias_aliasKey_key" ON "CustomerAlias"("aliasKey");

-- CreateIndex
CREATE INDEX "CustomerAlias_customerId_idx" ON "CustomerAlias"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "UnmatchedRun_externalId_key" ON "UnmatchedRun"("externalId");

-- CreateIndex
CREATE INDEX "UnmatchedRun_resolvedAt_receivedAt_idx" ON "UnmatchedRun"("resolvedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "UnmatchedRun_customerKey_resolvedAt_idx" ON "UnmatchedRun"("customerKey", "resolvedAt");

-- AddForeignKey
ALTER TABLE "CustomerAlias" ADD CONSTRAINT "CustomerAlias_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UnmatchedRun" ADD CONSTRAINT "UnmatchedRun_apiTokenId_fkey" FOREIGN KEY ("apiTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UnmatchedRun" ADD CONSTRAINT "UnmatchedRun_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
