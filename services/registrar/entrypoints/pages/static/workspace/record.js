// The record's "Print / Save as PDF" button: the browser's own print dialog. Without scripts
// the button stays hidden and the hint beside it says how to print.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
