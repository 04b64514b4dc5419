/* Run by tests/browser/test_phone_pages.py: touch targets smaller than 44×44 CSS px (issue 16; WCAG 2.2
   2.5.5 "Target Size (Enhanced)"; axe-core's target-size rule already checks 2.5.8's 24 px minimum).
   Every visible a, button, input, select, textarea and summary; a checkbox or radio counts with its
   label (a tap on the label ticks it). Exempt as 2.5.5 exempts them: a link inside a sentence (its
   block has text of its own besides the link: "Inline"), and the map's pins and attribution (the
   latitude/longitude fields are the equivalent control: "Equivalent"); the map's zoom buttons count. */
() => {
  const MIN = 44;
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none";
  };
  const inSentence = (el) => {
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let own = "";
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!el.contains(node) && !node.parentElement.closest("a, button, label, select, option, script, style")) {
        own += node.textContent;
      }
    }
    return own.replace(/[\s·|,.:;()\-–—/]+/g, "").length > 0;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${text ? ` "${text}"` : ""}`;
  };
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return { width: Math.max(a.right, b.right) - left, height: Math.max(a.bottom, b.bottom) - top };
  };
  const targets = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary");
  for (const el of targets) {
    if (!visible(el) && !(el.type === "checkbox" || el.type === "radio")) continue;
    if (el.closest(".leaflet-container") && !el.closest(".leaflet-control-zoom")) continue;
    if (el.tagName === "A" && inSentence(el)) continue;
    let box = el.getBoundingClientRect();
    if (el.type === "checkbox" || el.type === "radio") {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
      if (label && visible(label)) box = union(box, label.getBoundingClientRect());
      else if (!visible(el)) continue;
    }
    if (box.width < MIN - 0.5 || box.height < MIN - 0.5) {
      problems.push(`touch target ${Math.round(box.width)}×${Math.round(box.height)} px < 44×44: ${describe(el)}`);
    }
  }
  return problems;
}
