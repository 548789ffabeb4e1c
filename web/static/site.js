// Enhancements only: every page works without this file.
"use strict";
// A form shown again with problems moves the focus to their summary, so
// that a screen reader reads them first.
const errors = document.getElementById("form-errors");
if (errors) errors.focus();
