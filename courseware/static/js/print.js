// A "Print" button: opens the browser's print dialog (the print stylesheet lays the page out).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
