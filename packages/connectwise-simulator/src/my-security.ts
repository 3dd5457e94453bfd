/**
 * `GET system/mySecurity`: the API member's own rights, one row per module function with add/edit/delete/inquire
 * levels (`All`, `My`, `None`), as ConnectWise's `MySecurity` schema has them (docs/connectwise.md, Authentication and
 * the API member). The rows follow the simulator's settings: the Time Entry inquire level, and resources the role
 * denies. The module and function identifiers are assumed (the docs list them as open).
 */
import type { ConnectWiseState } from './store.ts';
import { bool, memberRef, num, str, type ResourceDef } from './wire.ts';

export type SecurityLevel = 'All' | 'My' | 'None';

export interface MySecurityRow {
  id: number;
  moduleIdentifier: string;
  moduleName: string;
  moduleFunctionIdentifier: string;
  moduleFunctionName: string;
  addLevel: SecurityLevel;
  editLevel: SecurityLevel;
  deleteLevel: SecurityLevel;
  inquireLevel: SecurityLevel;
}

export function mySecurity(state: ConnectWiseState): MySecurityRow[] {
  const denied = (resource: string) =>
    state.settings.forbiddenResources.some((p) => resource.startsWith(p.toLowerCase()));
  const level = (resource: string, wanted: SecurityLevel): SecurityLevel => (denied(resource) ? 'None' : wanted);
  const tickets = level('service/tickets', 'All');
  const time = denied('time/entries') ? 'None' : state.settings.timeEntryInquireLevel;
  const companies = level('company/companies', 'All');
  return [
    row(1, 'Companies', 'Companies', 'CompanyMaintenance', 'Company Maintenance', ['None', 'None', 'None', companies]),
    row(2, 'ServiceDesk', 'Service Desk', 'ServiceTickets', 'Service Tickets', [tickets, tickets, 'None', tickets]),
    row(3, 'ServiceDesk', 'Service Desk', 'CloseServiceTickets', 'Close Service Tickets', [
      'None',
      tickets,
      'None',
      tickets,
    ]),
    row(4, 'TimeExpense', 'Time & Expense', 'TimeEntry', 'Time Entry', ['None', 'None', 'None', time]),
  ];
}

function row(
  id: number,
  moduleIdentifier: string,
  moduleName: string,
  moduleFunctionIdentifier: string,
  moduleFunctionName: string,
  [addLevel, editLevel, deleteLevel, inquireLevel]: SecurityLevel[],
): MySecurityRow {
  return {
    id,
    moduleIdentifier,
    moduleName,
    moduleFunctionIdentifier,
    moduleFunctionName,
    addLevel: addLevel ?? 'None',
    editLevel: editLevel ?? 'None',
    deleteLevel: deleteLevel ?? 'None',
    inquireLevel: inquireLevel ?? 'None',
  };
}

export const MY_SECURITY: ResourceDef<MySecurityRow> = {
  resource: 'mySecurity',
  label: 'MySecurity',
  fields: () => ({
    id: num((r) => r.id),
    moduleIdentifier: str((r) => r.moduleIdentifier),
    moduleName: str((r) => r.moduleName),
    moduleFunctionIdentifier: str((r) => r.moduleFunctionIdentifier),
    moduleFunctionName: str((r) => r.moduleFunctionName),
    addLevel: str((r) => r.addLevel),
    editLevel: str((r) => r.editLevel),
    deleteLevel: str((r) => r.deleteLevel),
    inquireLevel: str((r) => r.inquireLevel),
    customFlag: bool(() => false),
  }),
  wire: (r, ctx) => ({
    id: r.id,
    addLevel: r.addLevel,
    editLevel: r.editLevel,
    deleteLevel: r.deleteLevel,
    inquireLevel: r.inquireLevel,
    moduleFunctionName: r.moduleFunctionName,
    moduleFunctionDescription: r.moduleFunctionName,
    myAllFlag: true,
    moduleFunctionIdentifier: r.moduleFunctionIdentifier,
    reportFlag: false,
    restrictFlag: false,
    customFlag: false,
    moduleDescription: r.moduleName,
    moduleIdentifier: r.moduleIdentifier,
    moduleName: r.moduleName,
    sortOrder: r.id,
    member: memberRef(ctx, ctx.state.apiMember().id),
  }),
};
