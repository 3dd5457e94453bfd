-- AlterTable
ALTER TABLE "CompanyMapping" ADD COLUMN     "contactId" INTEGER,
ADD COLUMN     "contactName" TEXT;

-- AlterTable
ALTER TABLE "IntegrationSettings" ADD COLUMN     "billingCodeId" INTEGER,
ADD COLUMN     "nonBillableCheckedAt" TIMESTAMP(3),
ADD COLUMN     "nonBillableProvenAt" TIMESTAMP(3),
ADD COLUMN     "nonBillableReason" TEXT,
ADD COLUMN     "thresholdCheckedAt" TIMESTAMP(3),
ADD COLUMN     "thresholdLimit" INTEGER,
ADD COLUMN     "thresholdUsed" INTEGER,
ADD COLUMN     "ticketCategoryId" INTEGER,
ADD COLUMN     "ticketTypeId" INTEGER;
