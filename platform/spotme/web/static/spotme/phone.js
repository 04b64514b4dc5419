/* SPOT-Me on a phone: the collapsible main menu and tables that read as cards below 600 px.
   Loaded right after the header (not deferred), so the menu is folded before the page paints.
   Without JavaScript the menu stays open (a list of links) and tables scroll inside their box. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var toggle = document.getElementById("menu-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    var set = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("nav-open", open);
    };
    set(false);
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
  }

  /* Each cell gets its column's heading as data-label (shown before the value when the row is a
     card). The roles keep the table's meaning for screen readers once CSS changes its display.
     Tables with class "calendar" or "grid", or data-stack="no", stay tables (they scroll in their box). */
  function stack(table) {
    if (table.classList.contains("calendar") || table.classList.contains("grid") ||
        table.getAttribute("data-stack") === "no") {
      return;
    }
    var heads = [];
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) {
      return;
    }
    Array.prototype.forEach.call(headRow.cells, function (th) {
      var span = th.colSpan || 1;
      for (var i = 0; i < span; i++) {
        heads.push(th.textContent.replace(/\s+/g, " ").trim());
      }
    });
    table.classList.add("stack");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var inHead = row.parentNode && row.parentNode.tagName === "THEAD";
        if (cell.tagName === "TH") {
          cell.setAttribute("role", inHead ? "columnheader" : "rowheader");
        } else {
          cell.setAttribute("role", "cell");
        }
        if (!inHead && !cell.hasAttribute("data-label") && heads[col]) {
          cell.setAttribute("data-label", heads[col]);
        }
        col += cell.colSpan || 1;
      });
    });
  }

  /* A box that scrolls sideways (a wide grid) must be reachable by keyboard: focusable, named by
     its section's heading. */
  function scrollable(box) {
    if (box.scrollWidth <= box.clientWidth || box.hasAttribute("tabindex")) {
      return;
    }
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    var section = box.closest("section");
    var heading = section && section.querySelector("h2, h1");
    var table = box.querySelector("table");
    var caption = table && table.caption;
    var label = (caption || heading || {}).textContent;
    if (label) {
      box.setAttribute("aria-label", label.replace(/\s+/g, " ").trim());
    }
  }

  function stackAll() {
    Array.prototype.forEach.call(document.querySelectorAll("#main table"), stack);
    Array.prototype.forEach.call(document.querySelectorAll("#main .table-wrap"), scrollable);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", stackAll);
  } else {
    stackAll();
  }
})();
