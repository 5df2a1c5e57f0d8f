/* Run a function on every page: the first one, and each one Material's instant navigation
   swaps in (Material's document$ observable; without it, once the page is parsed). */
export function everyPage(run) {
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
}
