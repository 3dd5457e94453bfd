import { AutotaskError, type AutotaskClient, type Contact } from '../../autotask/client.ts';
import type { Db } from '../../db/database.ts';
import { explainConnectionFailure } from '../../errors/autotask-messages.ts';

/**
 * The "Validate configuration" item for the customers' default contacts: each one chosen on a
 * mapping page must still be an active contact of the mapped company, or Autotask refuses every
 * ticket for that customer. One batched read of the contacts, however many customers have one.
 */

/** The shape of a checklist item (validate-configuration.ts), kept here so neither imports the other. */
export interface ContactsCheck {
  readonly label: string;
  readonly state: 'ok' | 'failed' | 'warning';
  readonly message: string;
  readonly detail?: string | undefined;
}

const LABEL = "Customers' default contacts are active";
/** A long list of customers helps nobody in a checklist line; the rest are counted. */
const NAMED_AT_MOST = 5;

interface MappingWithContact {
  readonly companyId: number | null;
  readonly contactId: number | null;
  readonly contactName: string | null;
  readonly customer: { readonly name: string };
}

export async function defaultContactsItem(db: Db, client: AutotaskClient | null): Promise<ContactsCheck> {
  const mappings = await db.companyMapping.findMany({
    // Default contacts are Autotask's alone (src/services/mapping/default-contact.ts).
    where: { psaType: 'autotask', contactId: { not: null }, companyId: { not: null } },
    select: { companyId: true, contactId: true, contactName: true, customer: { select: { name: true } } },
    orderBy: { customerId: 'asc' },
  });
  if (mappings.length === 0) return { label: LABEL, state: 'ok', message: 'No customer has a default contact.' };
  if (!client) {
    return { label: LABEL, state: 'warning', message: 'Not checked: Autotask did not accept the credentials.' };
  }
  let contacts: readonly Contact[];
  try {
    contacts = await client.getContacts([...new Set(mappings.map((m) => m.contactId!))]);
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    return { label: LABEL, state: 'warning', message: explainConnectionFailure(e), detail: e.detail };
  }
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const problems = mappings.flatMap((m) => {
    const problem = contactProblem(m, byId.get(m.contactId!));
    return problem ? [problem] : [];
  });
  if (problems.length === 0) {
    return {
      label: LABEL,
      state: 'ok',
      message: `${mappings.length} default contact${mappings.length === 1 ? ' is' : 's are'} active in Autotask.`,
    };
  }
  const more = problems.length - NAMED_AT_MOST;
  return {
    label: LABEL,
    state: 'failed',
    message: `${problems.slice(0, NAMED_AT_MOST).join(' ')}${more > 0 ? ` And ${more} more.` : ''} Autotask refuses tickets with such a contact: choose another on the customer's mapping page, or remove it.`,
  };
}

function contactProblem(m: MappingWithContact, contact: Contact | undefined): string | null {
  const who = `${m.contactName ?? 'The contact'} (ID ${m.contactId})`;
  const of = `the default contact of ${m.customer.name}`;
  if (!contact) return `${who}, ${of}, no longer exists in Autotask.`;
  if (!contact.isActive) return `${who}, ${of}, is inactive in Autotask.`;
  if (contact.companyId !== m.companyId) return `${who}, ${of}, belongs to another Autotask company.`;
  return null;
}
