import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Needs the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

async function signInAsEntity(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/ingresar?next=/portal");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Correo electrónico").fill("entidad@demo.local");
  await page.getByLabel("Contraseña").fill("demo");
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.locator('[data-account="entidad@demo.local"]')).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  return page;
}

/** The entity opens its PR6 case, which sent forms join. */
async function openPr6(page: Page): Promise<void> {
  const me = await (await page.request.get("/api/v1/me")).json();
  const opened = await page.request.post("/api/v1/cases", {
    data: { procedure: "PR6", entity_id: me.entity_id, title: "Integración de Ciudadanía Digital" },
  });
  expect(opened.status()).toBe(201);
}

async function openForm(page: Page, anexo: string): Promise<void> {
  await page.goto(`/portal/${anexo}`);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

test("Anexo 2: mistakes are explained, fixed, kept as a draft across a reload, and sent", async ({ browser }) => {
  const page = await signInAsEntity(browser);
  await openPr6(page);
  await openForm(page, "anexo-2");
  await expect(page.locator("#email")).toHaveValue("entidad@demo.local");

  // Leaving a wrong field explains how to fix it.
  await page.locator("#redirect_uri").fill("http://tramites.demo.gob.bo/callback?x=1");
  await page.locator("#redirect_uri").press("Tab");
  await expect(page.locator("#redirect_uri-error")).toBeVisible();
  await expect(page.locator("#redirect_uri-error")).toContainText("«?»");

  // Going on lists every problem at the top, each a link to its field.
  await page.getByRole("button", { name: "Revisar respuestas" }).click();
  const summary = page.locator("#error-summary");
  await expect(summary).toBeFocused();
  await expect(summary).toContainText("aplicación web o una aplicación móvil");
  await expect(summary).toContainText("al menos un correo de contacto");
  await summary.getByRole("link", { name: "Es obligatorio." }).first().click();
  await expect(page.locator("#post_logout_redirect_uri")).toBeFocused();

  await page.getByLabel("Aplicación web").check();
  await page.locator("#redirect_uri").fill("https://tramites.demo.gob.bo/callback");
  await page.locator("#post_logout_redirect_uri").fill("https://tramites.demo.gob.bo/");
  await page.locator("#client_name").fill("Sistema de trámites");
  await page.getByLabel("No", { exact: true }).check();
  await page.locator("#contacts").fill("ana@demo.gob.bo\nluis@demo.gob.bo");
  await page.getByLabel(/^email:/).check();
  await page.locator("#contacts").press("Tab");
  await expect(page.locator("#redirect_uri-error")).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Borrador guardado" })).toBeVisible();

  // The draft is on the server: a reload brings it back.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("#client_name")).toHaveValue("Sistema de trámites");
  await expect(page.locator("#contacts")).toHaveValue("ana@demo.gob.bo\nluis@demo.gob.bo");
  await expect(page.getByLabel(/^email:/)).toBeChecked();

  await page.getByRole("button", { name: "Revisar respuestas" }).click();
  await expect(page).toHaveURL(/\/portal\/anexo-2\/revisar$/);
  await expect(page.locator('[data-answer="client_name"]')).toContainText("Sistema de trámites");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Enviar formulario" }).click();
  await expect(page).toHaveURL(/\/portal\/anexo-2\/enviado$/);
  await expect(page.getByRole("heading", { name: "Formulario enviado" })).toBeVisible();
  await expect(page.locator("[data-reference]")).toHaveText(/^PR6-\d{4}-\d{4}-A2v1$/);
  await expect(page.getByRole("heading", { name: "Qué sucede ahora" })).toBeVisible();
});

test("Anexo 3 can be completed with the keyboard alone", async ({ browser }) => {
  const page = await signInAsEntity(browser);
  await openPr6(page);
  await openForm(page, "anexo-3");
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? "");
  // From the top of the page, Tab reaches the first field.
  for (let i = 0; i < 40 && (await focusedId()) !== "email"; i++) await page.keyboard.press("Tab");
  expect(await focusedId()).toBe("email");

  const typeInto = async (text: string) => {
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(text);
    await page.keyboard.press("Tab");
  };
  await typeInto("finanzas@demo.gob.bo");
  await typeInto("Entidad de demostración");
  await typeInto("DEMO");
  await typeInto("Av. Mariscal Santa Cruz 1234, La Paz");
  await typeInto("+591 2 2123456");
  await typeInto("Cobros en línea");
  await typeInto("Ana Quispe Mamani");
  await typeInto("4789123-1A LP");
  await typeInto("1985-04-23");
  await typeInto("ana.quispe@demo.gob.bo");
  await typeInto("Jefa de sistemas");
  await typeInto("ana.quispe@gmail.com");
  // The payment methods: tick CPT and QR with the space bar.
  expect(await focusedId()).toBe("payment_methods");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Revisar respuestas" })).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/portal\/anexo-3\/revisar$/);
  await expect(page.locator('[data-answer="entity_phone"]')).toContainText("+59122123456");
  await expect(page.locator('[data-answer="payment_methods"]')).toContainText("CPT, QR");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const send = page.getByRole("button", { name: "Enviar formulario" });
  for (let i = 0; i < 60 && !(await send.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(send).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/portal\/anexo-3\/enviado$/);
  await expect(page.locator("[data-reference]")).toHaveText(/-A3v1$/);
});

for (const anexo of ["anexo-1", "anexo-2", "anexo-3"]) {
  test(`${anexo}: an accessibility scan finds nothing serious`, async ({ browser }) => {
    const page = await signInAsEntity(browser);
    await openForm(page, anexo);
    // Scan with the error messages showing too.
    await page.locator("#email").fill("no es un correo");
    await page.getByRole("button", { name: "Revisar respuestas" }).click();
    await expect(page.locator("#error-summary")).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
  });
}
