/** Links into the Autotask web UI (ExecuteCommand). They need a signed-in Autotask user. */

/** `{webUrl}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID={id}`. */
export function ticketUrl(webUrl: string, ticketId: number): string {
  if (!Number.isSafeInteger(ticketId) || ticketId < 0)
    throw new TypeError(`Invalid Autotask ticket id: ${String(ticketId)}`);
  const base = webUrl.endsWith('/') ? webUrl : `${webUrl}/`;
  return `${base}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${ticketId}`;
}
