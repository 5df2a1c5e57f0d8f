/* Sortable tables: any table inside .cb-sortable gets a button in each heading. */
import { everyPage } from "./pages.js";

function cellKey(row, index) {
  const cell = row.cells[index];
  if (cell && cell.dataset.sort !== undefined) return [0, parseFloat(cell.dataset.sort)];
  const text = (cell ? cell.textContent : "").trim();
  if (/^-?[\d.,]+/.test(text)) {
    const number = parseFloat(text.replace(/,/g, ""));
    if (!isNaN(number)) return [0, number];
  }
  return [1, text.toLowerCase()];
}

function sortTable(table, index, header) {
  // A first click sorts ascending, or descending where the heading says so (improvements).
  const current = header.getAttribute("aria-sort");
  const ascending = current === "none" ? header.dataset.first !== "descending" : current !== "ascending";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellKey(a, index), y = cellKey(b, index);
    const order = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
    return ascending ? order : -order;
  });
  rows.forEach((row) => body.appendChild(row));
  Array.from(table.tHead.rows[0].cells).forEach((cell) => cell.setAttribute("aria-sort", "none"));
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  table.dispatchEvent(new CustomEvent("cb-sorted", { bubbles: true }));
}

function makeSortable() {
  document.querySelectorAll(".cb-sortable table").forEach((table) => {
    if (table.dataset.sortable || !table.tHead || !table.tBodies.length) return;
    table.dataset.sortable = "yes";
    Array.from(table.tHead.rows[0].cells).forEach((header, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cb-sort";
      button.title = "Sort by this column";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", () => sortTable(table, index, header));
    });
  });
}

everyPage(makeSortable);
