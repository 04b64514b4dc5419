/* Run by tests/browser/test_phone_pages.py in each page: what sticks out on the right of the screen. */
() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const wide = document.documentElement.scrollWidth > vw;
  if (wide) {
    problems.push(`document is ${document.documentElement.scrollWidth}px wide (screen ${vw}px)`);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const scrollsInside = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible") return p;
    }
    return null;
  };
  // An absolutely placed element is not clipped by a scrolling box that is not (inside) its containing block.
  const escapes = (el, box) => {
    if (getComputedStyle(el).position !== "absolute") return false;
    for (let p = el.parentElement; p && p !== box; p = p.parentElement) {
      if (getComputedStyle(p).position !== "static") return false;
    }
    return getComputedStyle(box).position === "static";
  };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if ((!wide && (!r.width || !r.height)) || r.right <= vw + 1) continue;
    let box = scrollsInside(el);
    if (box && escapes(el, box)) box = null;
    if (box && (getComputedStyle(box).overflowX === "hidden" || getComputedStyle(box).overflowX === "clip")) continue;
    if (box && box.matches(".table-wrap, pre, .map-wrap, .leaflet-container, .leaflet-pane, .chart") &&
        (box.querySelector("table.grid, table.calendar") || !box.matches(".table-wrap"))) continue;
    if (box) { problems.push(`${name(el)} scrolls inside ${name(box)} (right edge ${Math.round(r.right)}px)`); continue; }
    problems.push(`${name(el)} "${(el.textContent || "").trim().slice(0, 40)}" ends at ${Math.round(r.right)}px`);
  }
  return [...new Set(problems)].slice(0, 8);
}
