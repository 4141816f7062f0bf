import type { ConsoleMessage, Page, Request } from "@playwright/test";
import { expect, test } from "./fixtures";
import { openCase, signIn } from "./people";

// The browser builds a page asked for, by name without the content hash
// (`manual` has every island; `manual-<pages>` those of some pages), once
// every island of the page has found its code and hydrated.
async function buildsLoadedBy(page: Page, path: string): Promise<string[]> {
  const asked: string[] = [];
  const missing: string[] = [];
  const note = (request: Request) => {
    const build = new URL(request.url()).pathname.match(/^\/pkg\/(manual[\w-]*)\.[\w-]{22}\.wasm$/);
    if (build) asked.push(build[1]);
  };
  // What the island script says of an island its build lacks.
  const warned = (message: ConsoleMessage) => {
    if (message.text().startsWith("No code for the island")) missing.push(message.text());
  };
  // Files an earlier page fetched would come from the cache, unasked.
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("Network.setCacheDisabled", { cacheDisabled: true });
  page.on("request", note);
  page.on("console", warned);
  try {
    await page.goto(path);
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  } finally {
    page.off("request", note);
    page.off("console", warned);
    await devtools.detach();
  }
  expect(missing, path).toEqual([]);
  return asked;
}

test("each page loads the lightest build that has its islands, and they answer", async ({ page, browser }) => {
  expect(await buildsLoadedBy(page, "/procedimientos/PR05")).toEqual(["manual-procedure-page"]);
  await page.locator('svg [data-activity="3"]').click();
  await expect(page.locator(".detail").getByRole("heading", { name: "Actividad 3" })).toBeVisible();

  expect(await buildsLoadedBy(page, "/ingresar")).toEqual(["manual-other-pages"]);

  // No island, no code.
  expect(await buildsLoadedBy(page, "/procedimientos")).toEqual([]);

  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  expect(await buildsLoadedBy(admin, `/expedientes/${opened.id}`)).toEqual(["manual-case-page"]);
  await admin.locator('svg [data-activity="1"]').click();
  await expect(admin.locator(".detail").getByRole("heading", { name: "Actividad 1" })).toBeVisible();

  // With the bell of a signed-in person beside them.
  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  expect(await buildsLoadedBy(jefe, "/procedimientos/PR05")).toEqual(["manual-procedure-page"]);
  expect(await buildsLoadedBy(jefe, "/tablero")).toEqual(["manual-other-pages"]);
});
