// Sortable tables: click a header to sort by it (numbers by value), again to reverse.
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var ascending = th.dataset.order !== 'asc';
      table.querySelectorAll('th').forEach(function (h) { delete h.dataset.order; });
      th.dataset.order = ascending ? 'asc' : 'desc';
      var key = function (row) {
        var cell = row.cells[column];
        if (!cell) { return ''; }
        var v = cell.dataset.v;
        if (v !== undefined) { return parseFloat(v); }
        var t = cell.textContent.trim();
        return /^-?[0-9.]+$/.test(t) ? parseFloat(t) : t;
      };
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), c;
        if (typeof x === 'number' && typeof y === 'number') { c = x - y; }
        else { c = String(x).localeCompare(String(y)); }
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
