// The report's 打印 button: the site's CSP forbids inline handlers, so it is bound here.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
