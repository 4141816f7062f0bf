import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Before the wasm arrives, or when it fails, every form still works: it
// posts as plain HTML and the server answers with the next page. Here with
// JavaScript off altogether. Needs the demo accounts (APP_DEMO=1).

async function signInWithoutJavaScript(browser: Browser, email: string, next: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`/ingresar?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill("demo");
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page).toHaveURL(new RegExp(`${next}$`));
  await expect(page.locator(`[data-account="${email}"]`)).toBeVisible();
  return page;
}

test("without JavaScript one signs in, sends a form, completes an activity and returns a form version", async ({
  browser,
}) => {
  const entity = await signInWithoutJavaScript(browser, "entidad@demo.local", "/portal");
  const wasm: string[] = [];
  entity.on("request", (request) => {
    if (/\.(wasm|js)$/.test(new URL(request.url()).pathname)) wasm.push(request.url());
  });

  // The case and a draft of the Anexo 2 come through the API.
  const me = await (await entity.request.get("/api/v1/me")).json();
  const opened = await entity.request.post("/api/v1/cases", {
    data: { procedure: "PR6", entity_id: me.entity_id, title: "Integración de Ciudadanía Digital" },
  });
  expect(opened.status()).toBe(201);
  const { id } = await opened.json();
  const draft = await entity.request.put("/api/v1/forms/anexo-2/draft", {
    data: {
      email: "sistemas@demo.gob.bo",
      application_type: "web",
      redirect_uri: "https://tramites.demo.gob.bo/callback",
      post_logout_redirect_uri: "https://tramites.demo.gob.bo/",
      client_name: "Sistema de trámites",
      refresh_token: false,
      contacts: ["ana@demo.gob.bo"],
      scopes: ["openid", "profile", "email"],
    },
  });
  expect(draft.ok()).toBeTruthy();

  // The form posts its every field back as the draft (check boxes, yes/no
  // radios, one-per-line lists), and the check page finds nothing wrong.
  await entity.goto("/portal/anexo-2");
  await entity.getByLabel("Nombre del sistema").fill("Sistema de trámites en línea");
  await entity.getByRole("button", { name: "Revisar respuestas" }).click();
  await expect(entity).toHaveURL(/\/portal\/anexo-2\/revisar$/);
  await expect(entity.getByText("Sistema de trámites en línea")).toBeVisible();
  await expect(entity.getByText("Hay datos por corregir")).toHaveCount(0);
  await entity.getByRole("button", { name: "Enviar formulario" }).click();
  await expect(entity).toHaveURL(/\/portal\/anexo-2\/enviado$/);
  // The entity's open PR6 case receives it: with earlier tests' cases
  // still open, not necessarily the one just opened.
  const submissions: { reference: string; case_id: string; submitted_at: number }[] = await (
    await entity.request.get("/api/v1/submissions")
  ).json();
  const sent = submissions
    .filter((s) => s.reference.includes("-A2v"))
    .reduce((latest, s) => (s.submitted_at > latest.submitted_at ? s : latest));

  // A refusal comes back on the case page and changes nothing.
  await entity.goto(`/expedientes/${id}`);
  const first = entity.locator('[data-active="1"]');
  await first.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect(entity.locator("[data-plain-post-problem]")).toBeVisible();
  await expect(entity.locator('[data-active="1"]')).toHaveCount(1);

  await entity.locator('[data-active="1"]').getByLabel("Remite correo electrónico").check();
  await entity.locator('[data-active="1"]').getByLabel(/Referencia de la salida/).fill("CE-2026-0042");
  await entity.locator('[data-active="1"]').getByRole("button", { name: "Completar actividad 1" }).click();
  await expect(entity).toHaveURL(new RegExp(`/expedientes/${id}$`));
  await expect(entity.locator("[data-plain-post-problem]")).toHaveCount(0);
  await expect(entity.locator('[data-active="1"]')).toHaveCount(0);
  await expect(entity.locator('[data-active="5"]')).toHaveCount(1);
  await expect(entity.locator(".timeline")).toContainText("CE-2026-0042");
  // The diagram, drawn by the server, shows where the case now stands.
  await expect(entity.locator('svg [data-activity="1"]')).toHaveAttribute("data-state", "done");
  await expect(entity.locator('svg [data-activity="5"]')).toHaveAttribute("aria-current", "step");

  await entity.getByRole("button", { name: "Salir" }).click();
  await expect(entity).toHaveURL(/\/ingresar/);
  expect(wasm, "nothing of the app's code was fetched").toEqual([]);

  // AGETIC's reviewer returns the version with observations.
  const reviewer = await signInWithoutJavaScript(browser, "profesional-ait@demo.local", `/expedientes/${sent.case_id}`);
  const version = reviewer.locator(`[data-submission="${sent.reference}"]`);
  await version.getByText("Devolver con observaciones").click();
  await version.getByLabel("Observaciones para la entidad").fill("Falta la dirección de cierre de sesión del sistema de pruebas.");
  await version.getByRole("button", { name: "Devolver a la entidad" }).click();
  await expect(reviewer).toHaveURL(new RegExp(`/expedientes/${sent.case_id}$`));
  await expect(version).toContainText("Devuelto con observaciones");
  await expect(version.locator("blockquote")).toContainText("Falta la dirección de cierre de sesión");
});
