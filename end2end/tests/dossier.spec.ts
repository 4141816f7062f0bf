import type { Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { openCase, signIn } from "./people";

// These tests need the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

/** Completes `number` through the API as whoever `page` signed in as. */
async function complete(page: Page, caseId: string, number: number, body: object = {}) {
  const view = await (await page.request.get(`/api/v1/cases/${caseId}`)).json();
  const response = await page.request.post(`/api/v1/cases/${caseId}/activities/${number}/complete`, {
    data: { output_reference: `NI-${number}/2026`, version: view.version, ...body },
  });
  expect(response.status(), await response.text()).toBe(200);
}

test("the dossier prints on A4 without the site's navigation and downloads as a PDF", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  const entity = await signIn(browser, "entidad@demo.local");
  await complete(entity, opened.id, 1, { choice: "correo-electronico", comment: "Nota enviada por correo." });
  const profesional = await signIn(browser, "profesional-ait@demo.local");
  await complete(profesional, opened.id, 5, { choice: "sin-presentacion" });

  // From the case page to its dossier.
  await profesional.goto(`/expedientes/${opened.id}`);
  await profesional.getByRole("link", { name: /Hoja de ruta/ }).click();
  await expect(profesional).toHaveURL(new RegExp(`/expedientes/${opened.id}/expediente$`));
  await expect(profesional.getByRole("heading", { level: 1 })).toContainText(opened.reference);
  const rows = profesional.locator(".dossier-table tbody tr[data-history-activity]");
  await expect(profesional.locator(".dossier-table").first().locator("tbody tr")).toHaveCount(3);
  await expect(rows.first()).toContainText("Completó la actividad 1");
  await expect(profesional.locator(".dossier-table").first()).toContainText("Nota enviada por correo.");
  await expect(profesional.locator(".dossier-path")).toContainText("Actividades completadas, en orden: 1, 5.");
  await expect(profesional.locator('.dossier svg [data-activity="8"]')).toHaveAttribute("aria-current", "step");

  // On screen: the navigation, the downloads; the running head is hidden.
  await expect(profesional.locator(".site-header")).toBeVisible();
  await expect(profesional.locator(".dossier-running")).toBeHidden();

  // Printed: no navigation, no buttons; the reference heads every sheet.
  await profesional.emulateMedia({ media: "print" });
  await expect(profesional.locator(".site-header")).toBeHidden();
  await expect(profesional.locator(".breadcrumbs")).toBeHidden();
  await expect(profesional.getByRole("link", { name: "Descargar PDF" })).toBeHidden();
  const running = profesional.locator(".dossier-running");
  await expect(running).toBeVisible();
  await expect(running).toContainText(opened.reference);
  // It heads a table whose head the printer repeats on every sheet.
  expect(await profesional.locator(".dossier-sheet > thead").evaluate((el) => getComputedStyle(el).display)).toBe(
    "table-header-group",
  );
  await expect(profesional.locator(".dossier svg.flowchart-svg")).toBeVisible();
  const printed = await profesional.pdf({ format: "A4" });
  expect(printed.subarray(0, 5).toString()).toBe("%PDF-");
  await profesional.emulateMedia({ media: "screen" });

  // The PDF drawn by the server.
  const downloading = profesional.waitForEvent("download");
  await profesional.getByRole("link", { name: "Descargar PDF" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`hoja-de-ruta-${opened.reference}.pdf`);
  const body = await readFile(await download.path());
  expect(body.subarray(0, 5).toString()).toBe("%PDF-");
  expect(body.subarray(-6).toString()).toContain("%%EOF");

  // An entity reads its own case's dossier, never another's.
  await entity.goto(`/expedientes/${opened.id}/expediente`);
  await expect(entity.getByRole("heading", { level: 1 })).toContainText(opened.reference);
});

test("activity 9 of PR6 lists no forms received and completes only once confirmed", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  const entity = await signIn(browser, "entidad@demo.local");
  await complete(entity, opened.id, 1, { choice: "correo-electronico" });
  const profesional = await signIn(browser, "profesional-ait@demo.local");
  await complete(profesional, opened.id, 5, { choice: "sin-presentacion" });
  await complete(profesional, opened.id, 8);

  await profesional.goto(`/expedientes/${opened.id}`);
  await expect(profesional.locator("html")).toHaveAttribute("data-hydrated", "true");
  const card = profesional.locator('[data-active="9"]');
  await expect(card.locator('[data-forms-received="0"]')).toContainText("Aún no se recibió ningún formulario");
  await card.getByLabel("Integrará Ciudadanía Digital o Interoperabilidad").check();
  await card.getByLabel(/Referencia de la salida/).fill("CE-9/2026");
  await card.getByRole("button", { name: "Completar actividad 9" }).click();
  await expect(card.locator(".complete-form > [role='alert']")).toContainText("confírmelo");
  await card.getByLabel("Confirmo que completo la actividad sin formularios recibidos").check();
  await card.getByRole("button", { name: "Completar actividad 9" }).click();
  await expect(profesional.locator('[data-active="10"]')).toBeVisible();
});

test("managers download the history of the cases the list's filters hold", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  await jefe.goto("/expedientes?procedimiento=PR6");
  const link = jefe.locator("[data-history-export]");
  await expect(link).toHaveAttribute("href", "/api/v1/history.csv?procedure=PR6");
  const downloading = jefe.waitForEvent("download");
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("historial-expedientes.csv");
  const text = (await readFile(await download.path())).toString();
  expect(text.split("\r\n")[0]).toMatch(/^expediente,procedimiento,version_procedimiento,entidad,/);
  expect(text).toContain(`${opened.reference},PR6,1,`);
  expect(text).not.toContain(",PR09,");

  const entity = await signIn(browser, "entidad@demo.local");
  await entity.goto("/expedientes");
  await expect(entity.locator(`[data-case="${opened.reference}"]`)).toBeVisible();
  await expect(entity.locator("[data-history-export]")).toHaveCount(0);
});
