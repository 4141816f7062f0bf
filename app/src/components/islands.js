// Brings the page's islands to life. Leptos's own script waits for the
// browser to be idle before it even asks for the code, and hydrates the
// islands in page order; this one asks at once, hydrates the islands in
// view first, fetches nothing on a page without islands, and takes the
// lightest build that has every island of the page (`lighter`: [{ js,
// wasm, islands }], lightest first), or else the one with all (`js`,
// `wasm`).
((js, wasm, lighter) => {
  const every = [...document.querySelectorAll("leptos-island")];
  const islands = every.filter((island) => !island.parentElement.closest("leptos-island"));
  // A page without islands needs no code at all.
  if (islands.length === 0) {
    document.documentElement.setAttribute("data-hydrated", "true");
    return;
  }
  const build = lighter.find((b) => every.every((island) => b.islands.includes(island.dataset.component)));
  if (build) ({ js, wasm } = build);
  // The wasm is asked for beside the JavaScript that instantiates it.
  const preload = document.createElement("link");
  preload.rel = "preload";
  preload.as = "fetch";
  preload.crossOrigin = "anonymous";
  preload.href = wasm;
  document.head.append(preload);

  // An island's `leptos-children` are hydrated by the island around them
  // (the same walk as Leptos's own script).
  const childrenHydrated = [];
  async function hydrateTree(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      const hydrateIsland = mod[node.dataset.component];
      if (hydrateIsland) {
        childrenHydrated.at(-1)?.();
        await hydrateIsland(node);
      } else {
        console.warn(`No code for the island ${node.dataset.component}.`);
      }
    } else if (tag === "leptos-children") {
      childrenHydrated.push(node.$$on_hydrate);
      for (const child of node.children) await hydrateTree(child, mod);
      childrenHydrated.pop();
      return;
    }
    for (const child of node.children) await hydrateTree(child, mod);
  }
  // An island may make no box of its own (`display: contents`): what it
  // holds is measured.
  const inView = (island) => {
    const contents = document.createRange();
    contents.selectNodeContents(island);
    const box = contents.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
  };

  import(js).then(async (mod) => {
    await mod.default({ module_or_path: wasm });
    mod.hydrate();
    // Measured now, once the page has been laid out for its first paint.
    const first = islands.filter(inView);
    const later = islands.filter((island) => !first.includes(island));
    for (const island of [...first, ...later]) await hydrateTree(island, mod);
    // Tests and scripts wait for this: every island answers from now on.
    document.documentElement.setAttribute("data-hydrated", "true");
  });
})
