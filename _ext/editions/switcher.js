// The edition switcher (see _ext/editions.py and tools/edition.py).
//
// The list of editions is a script, editions.js, beside the edition folders:
//     bookEditions({"editions": [{"name": "2027-spring", "path": "2027-spring/",
//                                 "home": "index.html", "pages": ["intro.html", ...]}, ...]});
// It is loaded with a <script> element, not fetched: browsers refuse fetch() from file://, but
// load scripts there, so the switcher works on any static web space and from a folder on disk.
// Each entry's path is relative to editions.js; the switcher links every edition's copy of this
// page, or its home page when that edition has no such page. Nothing is fetched from elsewhere.
(function () {
  "use strict";
  const nav = document.querySelector("nav.book-editions");
  if (!nav || !nav.dataset.editionsList) return;
  const root = new URL(nav.dataset.bookRoot || "./", window.location.href);
  const listUrl = new URL(nav.dataset.editionsList, root);
  const page = nav.dataset.bookPage;

  function show(data) {
    const menu = nav.querySelector(".version-switcher__menu");
    const button = nav.querySelector(".version-switcher__button");
    if (!data || !Array.isArray(data.editions) || !menu || !button) return;
    menu.replaceChildren();
    for (const edition of data.editions) {
      const target = (edition.pages || []).includes(page) ? page : (edition.home || "index.html");
      const link = document.createElement("a");
      link.className = "dropdown-item list-group-item list-group-item-action py-1";
      link.href = new URL(edition.path + target, listUrl).href;
      link.textContent = edition.label || edition.name;
      link.dataset.edition = edition.name;
      if (edition.name === nav.dataset.edition) {
        link.classList.add("active");
        link.setAttribute("aria-current", "page");
        button.textContent = edition.label || edition.name;
      }
      menu.appendChild(link);
    }
    nav.hidden = false;
  }

  window.bookEditions = show;
  const script = document.createElement("script");
  script.src = listUrl.href;
  document.head.appendChild(script);
})();
