// Run Checks, enhanced (views/runs/run-checks.ejs). The page works without this file: "Show runs"
// links reload the page with the row opened, and every action is a form. With it:
// 1. "Show runs" opens and closes a row in place: the page at the link's address is fetched and
//    its table put in place of this one, and the address bar takes the link's address, so a reload
//    shows the same rows opened.
// 2. Keys (the list in views/runs/run-checks-keys.ejs): j/k move, o opens, x selects, r marks
//    reviewed, t creates a ticket.
(() => {
  const keyList = document.getElementById('run-checks-keys');
  if (!document.querySelector('[data-keyboard-rows]')) return;
  if (keyList) keyList.hidden = false;

  const rows = () => [...document.querySelectorAll('[data-job-row]')];
  let current = null;

  function setCurrent(row) {
    for (const r of rows()) r.classList.toggle('row-current', r === row);
    current = row;
    if (row) {
      row.querySelector('[data-row-toggle]')?.focus({ preventScroll: false });
    }
  }

  function currentRow() {
    const focused = document.activeElement?.closest?.('[data-job-row]');
    if (focused) return focused;
    return current && document.contains(current) ? current : null;
  }

  async function toggle(link) {
    const jobRowId = link.closest('[data-job-row]').id;
    const address = link.getAttribute('href').split('#')[0];
    link.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(address, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const table = page.querySelector('[data-keyboard-rows]');
      const mine = document.querySelector('[data-keyboard-rows]');
      if (!table || !mine) throw new Error('no table');
      const selected = new Set([...document.querySelectorAll('[data-row-select]:checked')].map((c) => c.value));
      mine.replaceWith(document.adoptNode(table));
      for (const box of document.querySelectorAll('[data-row-select]')) box.checked = selected.has(box.value);
      const returnTo = document.querySelector('#bulk-review input[name="returnTo"]');
      if (returnTo) returnTo.value = address;
      history.replaceState(null, '', address);
      setCurrent(document.getElementById(jobRowId));
    } catch {
      // Whatever went wrong, the plain link still works.
      window.location.assign(link.href);
    }
  }

  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('[data-row-toggle]') : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    void toggle(link);
  });

  function move(step) {
    const list = rows();
    if (list.length === 0) return;
    const at = list.indexOf(currentRow());
    const next = at === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
    setCurrent(list[next]);
  }

  function markReviewed(row) {
    const selected = document.querySelectorAll('[data-row-select]:checked');
    const bulk = document.getElementById('bulk-review');
    if (selected.length > 0 && bulk) bulk.requestSubmit();
    else row?.querySelector('[data-row-review]')?.closest('form')?.requestSubmit();
  }

  async function createTicket(row) {
    if (!row) return;
    const link = row.querySelector('[data-row-toggle]');
    if (link && link.getAttribute('aria-expanded') !== 'true') {
      await toggle(link);
      row = document.getElementById(row.id);
    }
    // "Create Autotask ticket", "Create ConnectWise ticket": the active PSA's button.
    const button = [...(row?.querySelectorAll('.job-runs button[data-create-ticket]') ?? [])].find((b) => !b.disabled);
    button?.closest('form')?.requestSubmit();
  }

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target instanceof Element && target.closest('input, select, textarea, [contenteditable="true"]')) return;
    const row = currentRow();
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      o: () => {
        const link = row?.querySelector('[data-row-toggle]');
        if (link) void toggle(link);
      },
      x: () => {
        const box = row?.querySelector('[data-row-select]');
        if (box) box.checked = !box.checked;
      },
      r: () => markReviewed(row),
      t: () => void createTicket(row),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
