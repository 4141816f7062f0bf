import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { openCase, signIn } from "./people";

// These tests need the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

const current = (page: Page) =>
  page.locator('svg [data-activity][aria-current="step"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-activity")));

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/ingresar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Correo electrónico").fill("jefe-ugat@demo.local");
  await page.getByLabel("Contraseña").fill("incorrecta");
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page.getByRole("alert")).toHaveText("Correo o contraseña incorrectos.");
  await expect(page).toHaveURL(/\/ingresar/);
});

test("two people advance a PR6 case and each sees the other's step without reloading", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");

  const entity = await signIn(browser, "entidad@demo.local");
  // The new case waits in the entity's inbox.
  await expect(entity.locator(`[data-inbox="${opened.reference}:1"]`)).toContainText("Solicita información de HGE");
  const profesional = await signIn(browser, "profesional-ait@demo.local");
  await profesional.goto(`/expedientes/${opened.id}`);
  await entity.goto(`/expedientes/${opened.id}`);
  for (const page of [entity, profesional]) {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByRole("heading", { level: 1 })).toContainText(opened.reference);
    expect(await current(page)).toEqual(["1"]);
  }
  // The entity reads its case in plain words.
  await expect(entity.locator(".plain-summary")).toContainText("Paso 1 de 19");
  await expect(entity.locator(".plain-summary")).toContainText("AGETIC espera de usted: solicita información de hge");
  // The professional cannot complete the entity's activity.
  await expect(profesional.locator('[data-active="1"] form')).toHaveCount(0);

  // The entity writes by e-mail: the branch leads to activity 5.
  const card = entity.locator('[data-active="1"]');
  await card.getByLabel("Remite correo electrónico").check();
  await card.getByLabel(/Referencia de la salida/).fill("Correo del 26/11/2026");
  await card.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect.poll(() => current(entity)).toEqual(["5"]);
  await expect(entity.locator(".plain-summary")).toContainText("Por ahora AGETIC no espera nada de usted");

  // The professional's open page follows within five seconds.
  await expect.poll(() => current(profesional), { timeout: 5_000 }).toEqual(["5"]);
  await expect(profesional.locator('svg [data-activity="1"]')).toHaveAttribute("data-state", "done");

  // What the professional types stays while the page takes in a change
  // that leaves activity 5 current (the entity adds a file to activity 1),
  // and the form then stands on the case's new version.
  const five = profesional.locator('[data-active="5"]');
  await five.getByLabel(/Referencia de la salida/).fill("Hoja de ruta 41");
  const uploaded = await entity.request.post(`/api/v1/cases/${opened.id}/files`, {
    multipart: { file: { name: "Correo.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") } },
  });
  const file = (await uploaded.json()).files[0].id;
  const attached = await entity.request.post(`/api/v1/cases/${opened.id}/attachments`, { data: { activity: 1, files: [file] } });
  expect(attached.ok(), await attached.text()).toBe(true);
  await expect(profesional.locator(".timeline")).toContainText("Adjuntó una corrección a la actividad 1", { timeout: 5_000 });
  await expect(five.getByLabel(/Referencia de la salida/)).toHaveValue("Hoja de ruta 41");

  // A decision without a choice is explained, and nothing changes.
  await five.getByRole("button", { name: "Completar actividad 5" }).click();
  await expect(five.getByRole("alert")).toHaveText("Elija qué corresponde antes de completar la actividad.");

  await five.getByLabel("No requiere presentación").check();
  await five.getByRole("button", { name: "Completar actividad 5" }).click();
  await expect.poll(() => current(profesional)).toEqual(["8"]);
  await expect.poll(() => current(entity), { timeout: 5_000 }).toEqual(["8"]);
  await expect(profesional.locator(".timeline")).toContainText("Completó la actividad 5 · ¿Requiere presentación de HGE? — No requiere presentación.");
  await expect(profesional.locator(".timeline")).toContainText("entidad@demo.local (Entidad solicitante)");
});

test("a stale page is refused instead of overwriting, and catches up", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR09");
  const stale = await signIn(browser, "profesional-ait@demo.local");
  // This page cannot open its event stream, so it falls back to asking
  // now and then; hold its clock (paused: no timer fires until we say so)
  // and it will not hear of the change until we let it.
  await stale.route("**/api/v1/cases/*/events", (route) => route.fulfill({ status: 503, body: "" }));
  await stale.clock.install();
  await stale.goto(`/expedientes/${opened.id}`);
  await expect(stale.locator("html")).toHaveAttribute("data-hydrated", "true");
  await stale.clock.pauseAt(Date.now() + 200);

  // The administrator holds no role of the manual.
  const refused = await admin.request.post(`/api/v1/cases/${opened.id}/activities/1/complete`, {
    data: { output_reference: "IT-1", version: 1 },
  });
  expect(refused.status()).toBe(403);
  // A colleague completes activity 1 meanwhile.
  const colleague = await signIn(browser, "profesional-ait@demo.local");
  const done = await colleague.request.post(`/api/v1/cases/${opened.id}/activities/1/complete`, {
    data: { output_reference: "IT-1", version: 1 },
  });
  expect(done.status()).toBe(200);

  // Refused, not overwritten: the page catches up at once, without
  // waiting for its next round of asking.
  const card = stale.locator('[data-active="1"]');
  await card.getByLabel(/Referencia de la salida/).fill("IT-1 bis");
  await card.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect(card).toHaveCount(0);
  await expect.poll(() => current(stale)).toEqual(["2"]);
  const view = await (await colleague.request.get(`/api/v1/cases/${opened.id}`)).json();
  const ones = view.history.filter((h: { activity: number | null }) => h.activity === 1);
  expect(ones).toHaveLength(1);
  expect(ones[0].output_reference).toBe("IT-1");

  // Without its stream, the page hears of the next step once it asks again.
  const responsable = await signIn(browser, "responsable-ait@demo.local");
  const approved = await responsable.request.post(`/api/v1/cases/${opened.id}/activities/2/complete`, {
    data: { output_reference: "IT-1 aprobado", version: 2 },
  });
  expect(approved.status()).toBe(200);
  await expect.poll(() => current(stale)).toEqual(["2"]);
  await stale.clock.runFor(4_000);
  await expect.poll(() => current(stale)).toEqual(["3"]);
});

test("staff open a case from the list and land on it, waiting at activity 1", async ({ browser }) => {
  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  await jefe.goto("/expedientes");
  await expect(jefe.locator("html")).toHaveAttribute("data-hydrated", "true");
  await jefe.getByText("Abrir un expediente").click();
  await jefe.getByLabel("Procedimiento").first().selectOption("PR05");
  await jefe.getByLabel("Entidad").selectOption({ label: "Entidad de demostración" });
  await jefe.getByLabel("Título").fill("Sistema de correspondencia");
  await jefe.getByRole("button", { name: "Abrir expediente" }).click();
  await expect(jefe).toHaveURL(/\/expedientes\/[0-9a-f]{32}$/);
  await expect(jefe.getByRole("heading", { level: 1 })).toContainText(/PR05-\d{4}-\d{4} Sistema de correspondencia/);
  await expect(jefe.locator('svg [data-activity="1"]')).toHaveAttribute("aria-current", "step");
  // The law it follows to its end.
  await expect(jefe.locator(".case-edition")).toHaveText(
    "Sigue UGAT/AIT-PR05 versión 2 del UGAT/AIT-M06 versión 2 (R.A. AGETIC/RA/0153/2023, de 20/11/2023), con la que se abrió.",
  );
  // The list finds it by reference.
  await jefe.goto("/expedientes?referencia=PR05");
  await expect(jefe.locator("tbody tr")).toHaveCount(1);
  await expect(jefe.locator("tbody tr")).toContainText("Sistema de correspondencia");
});

test("each procedure is opened by whoever its first activity names", async ({ browser }) => {
  // The ADIT starts PR05 and nothing else; the AIT's professional starts PR09.
  for (const [email, codes] of [
    ["adit@demo.local", ["PR05"]],
    ["profesional-ait@demo.local", ["PR05", "PR6", "PR7", "PR09"]],
  ] as const) {
    const page = await signIn(browser, email);
    await page.goto("/expedientes");
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await page.getByText("Abrir un expediente").click();
    const offered = await page.locator("#open-procedure option").evaluateAll((options) =>
      options.map((o) => (o as HTMLOptionElement).value),
    );
    expect(offered, email).toEqual(codes);
  }
});

test("a PR09 case opened without an entity gets the entities its analysis finds", async ({ browser }) => {
  const jefe = await signIn(browser, "jefe-ugat@demo.local");
  const response = await jefe.request.post("/api/v1/cases", {
    data: { procedure: "PR09", entity_ids: [], title: "Seguimiento de estadísticas" },
  });
  expect(response.status()).toBe(201);
  const opened = await response.json();
  await jefe.goto(`/expedientes/${opened.id}`);
  await expect(jefe.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(jefe.locator(".lead")).toContainText("Sin entidad todavía");

  await jefe.getByText("Añadir una entidad a la que concierne").click();
  await jefe.locator("#name-entity").selectOption({ label: "Entidad de demostración" });
  await jefe.getByRole("button", { name: "Añadir al expediente" }).click();
  await expect(jefe.locator(".lead")).toContainText("Entidad de demostración");
  await expect(jefe.locator("body")).toContainText("Añadió al expediente la entidad Entidad de demostración.");
  // Named once: it is no longer offered.
  await expect(jefe.locator("#name-entity option", { hasText: "Entidad de demostración" })).toHaveCount(0);

  // Named, the entity sees the case.
  const entity = await signIn(browser, "entidad@demo.local");
  await entity.goto(`/expedientes/${opened.id}`);
  await expect(entity.locator("h1")).toContainText(opened.reference);
  await expect(entity.getByText("Añadir una entidad a la que concierne")).toHaveCount(0);
});
