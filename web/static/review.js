// Enhancements of the cohort review pages only: every page works without
// this file.
"use strict";
// The choices of a new annotation field matter to a list only: the field
// shows when the type is one.
const type = document.getElementById("field-type");
const values = document.getElementById("field-values-field");
if (type && values) {
  const sync = () => { values.hidden = type.value !== "ENUM"; };
  type.addEventListener("change", sync);
  sync();
}
