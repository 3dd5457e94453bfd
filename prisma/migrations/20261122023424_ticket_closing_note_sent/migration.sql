-- AlterTable
ALTER TABLE "RunTicket" ADD COLUMN     "closingNoteSentAt" TIMESTAMP(3);
