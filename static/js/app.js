// Starts GOV.UK Frontend's components: those on the page, and those in content htmx swaps in.
import { initAll } from "../govuk/govuk-frontend.min.js";

// htmx:load names the new element, so the components are looked for from its parent; those that
// were there before are already started and are passed over without a report.
function reportUnlessAlreadyStarted(error) {
  if (error.name !== "InitError") {
    console.error(error);
  }
}

initAll({ onError: reportUnlessAlreadyStarted });

document.body.addEventListener("htmx:load", (event) => {
  const parent = event.target.parentElement;
  if (event.target !== document.body && parent) {
    initAll({ scope: parent, onError: reportUnlessAlreadyStarted });
  }
});
