-- CreateTable
CREATE TABLE "RetentionSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "apiCallLogDays" INTEGER NOT NULL DEFAULT 30,
    "syncLogDays" INTEGER NOT NULL DEFAULT 90,
    "runDays" INTEGER NOT NULL DEFAULT 400,
    "auditEventDays" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" INTEGER,

    CONSTRAINT "RetentionSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutotaskThreadClaim" (
    "id" BIGSERIAL NOT NULL,
    "integrationCode" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutotaskThreadClaim_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AutotaskThreadClaim_integrationCode_bucket_id_idx" ON "AutotaskThreadClaim"("integrationCode", "bucket", "id");

-- CreateIndex
CREATE INDEX "AutotaskThreadClaim_expiresAt_idx" ON "AutotaskThreadClaim"("expiresAt");
