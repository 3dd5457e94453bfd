/**
 * The records behind the ticket fields many tenants require: Work Types (BillingCodes with
 * useType 1, next to a few other billing codes) and the contacts of some demo companies. Present
 * in every seed, like the picklists, because every tenant has billing codes; the contacts belong
 * to demo companies, so the empty seed has none. Each list keeps inactive entries, as real tenants
 * do.
 */
import type { BillingCode, Contact } from './types.ts';

/** `BillingCodes.useType` values: 1 Work Type; the others are the remaining kinds of billing code. */
export const USE_TYPE = { workType: 1, material: 2, expense: 3, internal: 4, recurringService: 5, milestone: 6 };

export const WORK_TYPE = {
  remoteSupport: 29682801,
  onsiteSupport: 29682802,
  monitoring: 29682803,
  afterHours: 29682804,
  legacy: 29682799,
} as const;

export const CONTACT = {
  acmeOffice: 30682001,
  acmeDentist: 30682002,
  acmeFormer: 30682003,
  contosoIt: 30682011,
  contosoFinance: 30682012,
  tailspinOwner: 30682021,
} as const;

type BillingCodeSeed = Pick<BillingCode, 'id' | 'name' | 'useType'> & Partial<BillingCode>;

export function buildBillingCode(input: BillingCodeSeed): BillingCode {
  return {
    description: null,
    isActive: true,
    billingCodeType: 0,
    afterHoursWorkType: null,
    department: null,
    externalNumber: null,
    generalLedgerAccount: null,
    isExcludedFromNewContracts: false,
    markupRate: null,
    taxCategoryID: null,
    unitCost: null,
    unitPrice: null,
    ...input,
  };
}

export function demoBillingCodes(): BillingCode[] {
  const work = (id: number, name: string, extra: Partial<BillingCode> = {}) =>
    buildBillingCode({ id, name, useType: USE_TYPE.workType, ...extra });
  return [
    work(WORK_TYPE.legacy, 'Remote Support (old)', { isActive: false }),
    work(WORK_TYPE.remoteSupport, 'Remote Support', { afterHoursWorkType: WORK_TYPE.afterHours }),
    work(WORK_TYPE.onsiteSupport, 'Onsite Support'),
    work(WORK_TYPE.monitoring, 'Monitoring & Backup'),
    work(WORK_TYPE.afterHours, 'After Hours Support'),
    buildBillingCode({ id: 29682811, name: 'Backup appliance', useType: USE_TYPE.material }),
    buildBillingCode({ id: 29682821, name: 'Mileage', useType: USE_TYPE.expense }),
    buildBillingCode({ id: 29682831, name: 'Internal meeting', useType: USE_TYPE.internal }),
  ];
}

type ContactSeed = Pick<Contact, 'id' | 'companyID' | 'firstName' | 'lastName'> & Partial<Contact>;

export function buildContact(input: ContactSeed, nowIso: string): Contact {
  const created = input.createDate ?? nowIso;
  return {
    emailAddress: null,
    phone: null,
    title: null,
    isActive: 1,
    primaryContact: false,
    lastActivityDate: created,
    lastModifiedDate: created,
    userDefinedFields: [],
    ...input,
    createDate: created,
  };
}

export function demoContacts(): ContactSeed[] {
  const at = { createDate: '2025-06-01T09:00:00.000Z' };
  return [
    {
      id: CONTACT.acmeOffice,
      companyID: 100,
      firstName: 'Sanne',
      lastName: 'de Vries',
      emailAddress: 'office@acme-dental.example',
      title: 'Office manager',
      primaryContact: true,
      ...at,
    },
    { id: CONTACT.acmeDentist, companyID: 100, firstName: 'Pieter', lastName: 'Bakker', title: 'Dentist', ...at },
    { id: CONTACT.acmeFormer, companyID: 100, firstName: 'Joost', lastName: 'Visser', isActive: 0, ...at },
    {
      id: CONTACT.contosoIt,
      companyID: 105,
      firstName: 'Emma',
      lastName: 'Jansen',
      emailAddress: 'it@contoso.example',
      primaryContact: true,
      ...at,
    },
    { id: CONTACT.contosoFinance, companyID: 105, firstName: 'Lucas', lastName: 'Smit', title: 'Finance', ...at },
    { id: CONTACT.tailspinOwner, companyID: 117, firstName: 'Noor', lastName: 'Mulder', primaryContact: true, ...at },
  ];
}
