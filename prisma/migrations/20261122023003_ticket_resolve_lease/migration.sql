-- AlterTable
ALTER TABLE "RunTicket" ADD COLUMN     "resolveStartedAt" TIMESTAMP(3);
