// Progressive enhancement only: every page works without this file.
// 1. Forms with data-confirm ask first.
// 2. A submitted form's buttons are disabled so a double click sends one request; the server
//    still guarantees one ticket per run on its own.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() === 'post') {
    setTimeout(() => {
      for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
    }, 0);
  }
});

// Auto-submit selects marked data-autosubmit (filters).
document.addEventListener('change', (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) el.form.requestSubmit();
});
