/**
 * `/__sim/` routes that change the tenant the way people in ConnectWise would: companies, ticket statuses, time
 * entries (billable or not, visible to the API member or not), the API member's permissions, and `POST /seed` to add
 * several records at once.
 */
import {
  booleanish,
  blankToUndefined,
  optionalBoolean,
  optionalInt,
  optionalString,
  settingsRoute,
  type Done,
} from '@backupchecks/simulator-kit';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { ConnectWiseState } from './store.ts';

const billableOption = z.preprocess(
  blankToUndefined,
  z.enum(['Billable', 'DoNotBill', 'NoCharge', 'NoDefault']).optional(),
);

const schemas = {
  company: z.object({
    id: optionalInt(1, 2_147_483_647),
    name: z.string().trim().min(1).max(50),
    identifier: z.preprocess(blankToUndefined, z.string().trim().min(1).max(30).optional()),
    statusId: optionalInt(1, 1_000_000),
    city: optionalString,
  }),
  companyStatus: z.object({ statusId: z.coerce.number().int() }),
  ticketStatus: z.object({ statusId: z.coerce.number().int() }),
  timeEntry: z.object({
    billable: optionalBoolean,
    billableOption,
    hours: z.preprocess(blankToUndefined, z.coerce.number().positive().max(24).optional()),
    notes: optionalString,
    memberId: optionalInt(1, 2_147_483_647),
    hidden: optionalBoolean,
  }),
  settings: z.object({
    boardRequired: optionalBoolean,
    timeEntryInquireLevel: z.preprocess(blankToUndefined, z.enum(['All', 'My', 'None']).optional()),
    defaultPageSize: optionalInt(1, 1000),
    /** A list, or one comma-separated string from a form. */
    forbiddenResources: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
            : v,
        z.array(z.string().trim().min(1).max(100)).max(50),
      )
      .optional(),
  }),
  hidden: z.object({ hidden: booleanish }),
  id: z.coerce.number().int().min(0),
};

const seedBody = z.object({
  companies: z.array(schemas.company).max(1000).optional(),
  timeEntries: z
    .array(schemas.timeEntry.extend({ ticketId: z.coerce.number().int() }))
    .max(1000)
    .optional(),
});

export function seedRoutes(router: Router, state: ConnectWiseState, done: Done): void {
  const id = (req: Request) => schemas.id.parse(req.params.id);

  router.post('/companies', (req, res) => {
    const company = state.addCompany(withoutUndefined(schemas.company.parse(req.body ?? {})));
    done(req, res, `Added company ${company.id} "${company.name}".`, { company });
  });
  router.post('/companies/:id/status', (req, res) => {
    const { statusId } = schemas.companyStatus.parse(req.body ?? {});
    const company = state.setCompanyStatus(id(req), statusId);
    done(req, res, `Company ${company.id} now has status ${statusId}.`, { company });
  });
  const deleteCompany = (req: Request, res: Response) => {
    const company = state.deleteCompany(id(req));
    done(req, res, `Deleted company ${company.id} "${company.name}".`, { company });
  };
  router.post('/companies/:id/delete', deleteCompany);
  router.delete('/companies/:id', deleteCompany);

  router.post('/tickets/:id/status', (req, res) => {
    const { statusId } = schemas.ticketStatus.parse(req.body ?? {});
    const ticket = state.setTicketStatus(id(req), statusId);
    done(req, res, `Ticket ${ticket.id} now has status ${statusId}.`, { ticket });
  });
  router.post('/tickets/:id/time-entries', (req, res) => {
    const timeEntry = state.addTimeEntry(id(req), withoutUndefined(schemas.timeEntry.parse(req.body ?? {})));
    const kind = timeEntry.billableOption === 'Billable' ? 'billable' : 'non-billable';
    const hidden = timeEntry.hiddenFromApiMember ? ', hidden from the API member' : '';
    done(req, res, `Added a ${kind} time entry to ticket ${timeEntry.chargeToId}${hidden}.`, { timeEntry });
  });
  const removeTimeEntries = (req: Request, res: Response) => {
    const ticketId = id(req);
    const removed = state.removeTimeEntries(ticketId);
    done(req, res, `Removed ${removed} time entr${removed === 1 ? 'y' : 'ies'} from ticket ${ticketId}.`, { removed });
  };
  router.post('/tickets/:id/time-entries/delete', removeTimeEntries);
  router.delete('/tickets/:id/time-entries', removeTimeEntries);
  router.post('/time-entries/:id/visibility', (req, res) => {
    const { hidden } = schemas.hidden.parse(req.body ?? {});
    const timeEntry = state.setTimeEntryHidden(id(req), hidden);
    done(req, res, `Time entry ${timeEntry.id} is ${hidden ? 'hidden from' : 'visible to'} the API member.`, {
      timeEntry,
    });
  });

  settingsRoute(router, schemas.settings, state.settings);

  router.post('/seed', (req, res) => {
    const body = seedBody.parse(req.body ?? {});
    const companies = (body.companies ?? []).map((c) => state.addCompany(withoutUndefined(c)));
    const timeEntries = (body.timeEntries ?? []).map(({ ticketId, ...entry }) =>
      state.addTimeEntry(ticketId, withoutUndefined(entry)),
    );
    done(req, res, `Seeded ${companies.length} companies and ${timeEntries.length} time entries.`, {
      companies,
      timeEntries,
    });
  });
}

/** zod leaves absent optional keys as undefined; the state helpers take absent keys. */
function withoutUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
