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
