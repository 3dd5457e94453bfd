// Settings → Autotask, progressive enhancement only: the sub-issue list shows the sub-issue types of
// the chosen issue type. Without this file every sub-issue type is listed and the server refuses a
// pair that does not belong together, with a message that says so.
const issue = document.getElementById('f-issueTypeId');
const sub = document.getElementById('f-subIssueTypeId');

if (issue instanceof HTMLSelectElement && sub instanceof HTMLSelectElement) {
  const follow = () => {
    for (const option of sub.options) {
      if (option.dataset.parent === undefined) continue;
      const belongs = option.dataset.parent === issue.value;
      option.hidden = !belongs;
      option.disabled = !belongs;
    }
    const chosen = sub.selectedOptions[0];
    if (chosen && chosen.disabled) sub.value = '';
  };
  issue.addEventListener('change', follow);
  follow();
}
