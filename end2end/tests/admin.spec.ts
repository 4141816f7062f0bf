import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Needs the demo accounts: scripts/e2e.sh starts the server with APP_DEMO=1.

async function signIn(browser: Browser, email: string, password = "demo"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/ingresar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page.locator(`[data-account="${email}"]`)).toBeVisible();
  return page;
}

test("an admin registers an entity, creates its account and a staff account, and changes roles", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  await admin.getByRole("link", { name: "Administración" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Administración");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  // A code the server refuses comes back as a message; nothing is created.
  await admin.getByText("Registrar una entidad").click();
  await admin.getByLabel("Nombre", { exact: true }).fill("Ministerio de Pruebas");
  await admin.getByLabel("Código", { exact: true }).fill("MIN PRUEBAS");
  await admin.getByRole("button", { name: "Registrar entidad" }).click();
  await expect(admin.getByRole("alert")).toContainText("Use solo letras sin tilde, números y guiones");
  await admin.getByLabel("Código", { exact: true }).fill("mpr");
  await admin.getByRole("button", { name: "Registrar entidad" }).click();
  await expect(admin.getByRole("status")).toContainText("Entidad registrada");
  await expect(admin.locator('[data-entity="MPR"]')).toContainText("Ministerio de Pruebas");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  await admin.getByText("Crear una cuenta").click();
  await admin.getByLabel("Correo electrónico").fill("tramites@mpr.gob.bo");
  await admin.getByLabel("Contraseña inicial").fill("una frase bastante larga");
  await admin.getByLabel("Entidad", { exact: true }).selectOption({ label: "Ministerio de Pruebas" });
  await admin.getByRole("button", { name: "Crear cuenta" }).click();
  await expect(admin.getByRole("status")).toContainText("Cuenta creada");
  await expect(admin.locator('[data-account="tramites@mpr.gob.bo"]')).toContainText("Entidad: Ministerio de Pruebas");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  await admin.getByText("Crear una cuenta").click();
  await admin.getByLabel("Correo electrónico").fill("luis@agetic.gob.bo");
  await admin.getByLabel("Contraseña inicial").fill("otra frase bastante larga");
  await admin.locator(".admin-form").getByLabel("UIT", { exact: true }).check();
  await admin.getByRole("button", { name: "Crear cuenta" }).click();
  const luis = admin.locator('tr[data-account="luis@agetic.gob.bo"]');
  await expect(luis.locator(".account-roles")).toHaveText("UIT");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  await luis.getByText("Cambiar roles").click();
  await luis.getByLabel("UPAT", { exact: true }).check();
  await luis.getByRole("button", { name: "Guardar roles" }).click();
  await expect(admin.getByRole("status")).toContainText("Roles actualizados");
  await expect(admin.locator('tr[data-account="luis@agetic.gob.bo"] .account-roles')).toHaveText("UPAT / UIT");

  // The entity's new account works and sees its own entity only.
  const entity = await signIn(browser, "tramites@mpr.gob.bo", "una frase bastante larga");
  const me = await entity.request.get("/api/v1/me");
  expect((await me.json()).roles).toEqual(["entidad"]);
  await entity.goto("/administracion");
  await expect(entity.getByRole("alert")).toContainText("Solo un administrador");
});
