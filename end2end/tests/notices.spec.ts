import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { openCase, signIn } from "./people";

// These tests need the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

/** Completes `number` through the API as whoever `page` signed in as. */
async function complete(page: Page, caseId: string, number: number, body: object = {}) {
  const view = await (await page.request.get(`/api/v1/cases/${caseId}`)).json();
  const response = await page.request.post(`/api/v1/cases/${caseId}/activities/${number}/complete`, {
    data: { output_reference: `NI-${number}`, version: view.version, ...body },
  });
  expect(response.status(), await response.text()).toBe(200);
}

test("the Responsable derives an activity to a Profesional, whose open page follows without reloading", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  const entity = await signIn(browser, "entidad@demo.local");
  await complete(entity, opened.id, 1, { choice: "nota-externa" });
  const dge = await signIn(browser, "dge@demo.local");
  await complete(dge, opened.id, 2);
  await complete(jefe, opened.id, 3);

  // The Profesional sits on their inbox: nothing is derived to them yet.
  const profesional = await signIn(browser, "profesional-ait@demo.local");
  await expect(profesional.locator("html")).toHaveAttribute("data-hydrated", "true");
  const bell = profesional.locator(".bell");
  const before = Number(await bell.getAttribute("data-unread"));
  const assignedToMe = profesional.locator('[data-inbox-part="assigned-to-me"]');
  await expect(assignedToMe.locator(`[data-inbox="${opened.reference}:5"]`)).toHaveCount(0);

  // Activity 4 "revisa y deriva la solicitud al profesional del AIT".
  const responsable = await signIn(browser, "responsable-ait@demo.local");
  await responsable.goto(`/expedientes/${opened.id}`);
  await expect(responsable.locator("html")).toHaveAttribute("data-hydrated", "true");
  const four = responsable.locator('[data-active="4"]');
  await four.getByLabel(/Referencia de la salida/).fill("HR-4");
  await four.getByLabel("Derivar lo que sigue a (opcional)").selectOption({ label: "profesional-ait@demo.local" });
  await four.getByRole("button", { name: "Completar actividad 4" }).click();
  await expect(responsable.locator('[data-active="5"] [data-holder]')).toHaveText("Derivada a profesional-ait@demo.local.");
  await expect(responsable.locator('svg [data-activity="5"]')).toHaveAttribute("data-assignee", "profesional-ait@demo.local");
  await expect(responsable.locator(".timeline")).toContainText("Derivó lo que sigue a profesional-ait@demo.local.");

  // The Profesional's page shows it at once: the bell counts one more, the
  // inbox lists it among theirs.
  await expect(bell).toHaveAttribute("data-unread", String(before + 1), { timeout: 5_000 });
  await expect(bell.locator(".bell-count")).toHaveText(String(before + 1));
  await expect(assignedToMe.locator(`[data-inbox="${opened.reference}:5"]`)).toBeVisible({ timeout: 5_000 });

  // The bell leads to the notice, which leads to the case.
  await bell.click();
  await expect(profesional).toHaveURL(/\/avisos$/);
  const notice = profesional.locator('[data-kind="assigned"]').first();
  await expect(notice).toContainText(`Se le derivó una actividad: ${opened.reference}, actividad 5`);
  await notice.getByRole("button", { name: "Marcar como leído" }).click();
  await expect(profesional.locator('[data-kind="assigned"]').first()).not.toHaveClass(/unread/);
  await expect(profesional.locator(".bell")).toHaveAttribute("data-unread", String(before));
});
