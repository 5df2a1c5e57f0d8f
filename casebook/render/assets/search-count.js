/* Material counts the results it is given; the search worker (search.js) lists at most 50 and
   says how many pages matched (`total`): the count says that, not "50 matching documents". */
let answers = 0;
const worker = window.casebookSearch;   // started by the page's head (casebook/render/theme/main.html)
if (worker) {
  worker.addEventListener("message", (event) => {
    const data = event.data && event.data.data;
    if (!data || typeof data.total !== "number" || !Array.isArray(data.items)) return;
    const answer = ++answers;
    if (!(data.total > data.items.length)) return;
    setTimeout(() => {   // after Material has written its own count; unless a newer answer came
      const count = document.querySelector(".md-search-result__meta");
      if (count && answer === answers) count.textContent = data.total.toLocaleString("en") + " matching documents";
    });
  });
}
