import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Needs the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

async function signIn(browser: Browser, email: string, viewport = { width: 1024, height: 768 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport, hasTouch: true })).newPage();
  const login = await page.request.post("/api/v1/login", { data: { email, password: "demo" } });
  expect(login.status()).toBe(200);
  return page;
}

const sizes = [
  { width: 768, height: 1024 },
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
];

test("the dashboard fits tablets and each heat cell opens the cases behind it", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const entities = await (await admin.request.get("/api/v1/entities")).json();
  const entityId = entities.find((e: { code: string }) => e.code === "DEMO").id;
  const open = async (procedure: string) => {
    const response = await admin.request.post("/api/v1/cases", {
      data: { procedure, entity_id: entityId, title: "Caso del tablero" },
    });
    expect(response.status()).toBe(201);
    return response.json();
  };
  const staying = await open("PR09");
  const moving = await open("PR09");
  const profesional = await signIn(browser, "profesional-ait@demo.local");
  const done = await profesional.request.post(`/api/v1/cases/${moving.id}/activities/1/complete`, {
    data: { output_reference: "INF-1", version: moving.version },
  });
  expect(done.status()).toBe(200);

  for (const viewport of sizes) {
    const jefe = await signIn(browser, "jefe-ugat@demo.local", viewport);
    await jefe.goto("/tablero");
    await expect(jefe.getByRole("heading", { name: "Tablero" })).toBeVisible();
    const overflow = await jefe.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(0);
    const small = await jefe.locator("a.tile, .dashboard-facts a").evaluateAll((links) =>
      links.filter((a) => a.getBoundingClientRect().height < 44).map((a) => a.textContent),
    );
    expect(small).toEqual([]);
    await jefe.context().close();
  }

  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  await jefe.goto("/tablero");
  const cell = jefe.locator('[data-heat="PR09:1"]');
  const shown = Number(await cell.locator("text").last().textContent());
  await cell.click();
  await expect(jefe).toHaveURL(/\/expedientes\?procedimiento=PR09&actividad=1$/);
  await expect(jefe.locator("[data-drill-down]")).toContainText("en la actividad 1");
  const rows = jefe.locator("tr[data-case]");
  await expect(rows).toHaveCount(shown);
  await expect(jefe.locator(`tr[data-case="${staying.reference}"]`)).toBeVisible();
  await expect(jefe.locator(`tr[data-case="${moving.reference}"]`)).toHaveCount(0);
});

test("people who do not manage are told the dashboard is not for them", async ({ browser }) => {
  const page = await signIn(browser, "uit@demo.local");
  const response = await page.goto("/tablero");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("Jefe de la UGAT");
});

/** The dashboard as the UGAT head sees it at `viewport`, on the server at `baseURL` (the tests' own by default). */
async function dashboardAt(browser: Browser, viewport: { width: number; height: number }, baseURL?: string) {
  const context = await browser.newContext({ viewport, hasTouch: true, ...(baseURL ? { baseURL } : {}) });
  const page = await context.newPage();
  const login = await page.request.post("/api/v1/login", { data: { email: "jefe-ugat@demo.local", password: "demo" } });
  expect(login.status()).toBe(200);
  await page.goto("/tablero");
  await expect(page.getByRole("heading", { name: "Expedientes abiertos y cerrados por mes" })).toBeVisible();
  return page;
}

/** What a reader of the months chart relies on, whatever the number of months. */
async function checkMonthsChart(page: Page, label: string, leastMonths: number) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, label).toBeLessThanOrEqual(0);
  const months = page.locator(".months-bars [data-month]");
  expect(await months.count(), label).toBeGreaterThanOrEqual(leastMonths);
  // Each month named as "nov." over "2026", and its bars no wider than a bar.
  const names = await months.evaluateAll((groups) =>
    groups.map((g) => Array.from(g.querySelectorAll("text")).map((t) => t.textContent)),
  );
  for (const [name, year] of names) {
    expect(name, label).toMatch(/^(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic)\.$/);
    expect(year, label).toMatch(/^\d{4}$/);
  }
  const widest = await page
    .locator(".months-bars rect")
    .evaluateAll((bars) => Math.max(...bars.map((b) => b.getBoundingClientRect().width)));
  expect(widest, label).toBeLessThanOrEqual(20);
  // An axis with values, from 0.
  const ticks = await page.locator(".months-axis text").allTextContents();
  expect(ticks.length, label).toBeGreaterThanOrEqual(2);
  expect(ticks[0], label).toBe("0");
  // The latest month is in view.
  const shown = await page.evaluate(() => {
    const scroll = document.querySelector(".months-scroll")!.getBoundingClientRect();
    const groups = document.querySelectorAll(".months-bars [data-month]");
    const last = groups[groups.length - 1].getBoundingClientRect();
    return last.left >= scroll.left - 1 && last.right <= scroll.right + 1;
  });
  expect(shown, label).toBe(true);
}

test("the months chart reads right with one month of cases and with twenty-four", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const entities = await (await admin.request.get("/api/v1/entities")).json();
  const entityId = entities.find((e: { code: string }) => e.code === "DEMO").id;
  const opened = await admin.request.post("/api/v1/cases", {
    data: { procedure: "PR05", entity_id: entityId, title: "Caso del mes" },
  });
  expect(opened.status()).toBe(201);
  for (const viewport of sizes) {
    const page = await dashboardAt(browser, viewport);
    const label = `this month, ${viewport.width}×${viewport.height}`;
    await checkMonthsChart(page, label, 1);
    // A month or two fit without scrolling.
    const scrolls = await page.locator(".months-scroll").evaluate((e) => e.scrollWidth > e.clientWidth);
    expect(scrolls, label).toBe(false);
    await page.context().close();
  }

  const long = process.env.MONTHS_URL;
  test.skip(!long, "needs the server on two years of history that scripts/e2e.sh starts");
  for (const viewport of sizes) {
    const page = await dashboardAt(browser, viewport, long);
    await checkMonthsChart(page, `24 months, ${viewport.width}×${viewport.height}`, 24);
    await page.context().close();
  }
});
