// Enhancements only: every page works without this file.
"use strict";
// A form shown again with problems moves the focus to their summary, so
// that a screen reader reads them first.
const errors = document.getElementById("form-errors");
if (errors) errors.focus();
// Copy buttons of code blocks (data-copy names the block): shown only
// where they work.
for (const button of document.querySelectorAll("button.copy[data-copy]")) {
  const block = document.getElementById(button.dataset.copy);
  if (!block || !navigator.clipboard) continue;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(block.textContent).then(
      () => { button.textContent = "Copied"; },
      () => { button.textContent = "Select the code and copy it"; });
    setTimeout(() => { button.textContent = label; }, 2500);
  });
}
