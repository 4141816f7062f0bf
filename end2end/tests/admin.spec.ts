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

test("after an admin resets a password the person chooses a new one before anything else", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  await admin.goto("/administracion");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");
  await admin.getByText("Crear una cuenta").click();
  await admin.getByLabel("Correo electrónico").fill("rosa@agetic.gob.bo");
  await admin.getByLabel("Contraseña inicial").fill("Rosa tiene una frase larga");
  await admin.locator(".admin-form").getByLabel("DGE", { exact: true }).check();
  await admin.getByRole("button", { name: "Crear cuenta" }).click();
  const rosaRow = admin.locator('tr[data-account="rosa@agetic.gob.bo"]');
  await expect(rosaRow).toContainText("Habilitada");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  await rosaRow.getByText("Más acciones").click();
  await rosaRow.getByLabel("Contraseña temporal").fill("Temporal de Rosa en noviembre");
  await rosaRow.getByRole("button", { name: "Restablecer contraseña" }).click();
  await expect(admin.getByRole("status")).toContainText("Contraseña restablecida");

  const rosa = await signIn(browser, "rosa@agetic.gob.bo", "Temporal de Rosa en noviembre");
  await expect(rosa).toHaveURL(/\/cuenta$/);
  await expect(rosa.getByRole("alert")).toContainText("elija una nueva");
  await expect(rosa.locator("html")).toHaveAttribute("data-hydrated", "true");
  await rosa.getByLabel("Contraseña actual").fill("Temporal de Rosa en noviembre");
  await rosa.getByLabel("Contraseña nueva").fill("password1234");
  await rosa.getByRole("button", { name: "Cambiar contraseña" }).click();
  await expect(rosa.getByRole("alert").filter({ hasText: "demasiado fácil de adivinar" })).toBeVisible();
  await rosa.getByLabel("Contraseña nueva").fill("Rosa eligió su propia frase");
  await rosa.getByRole("button", { name: "Cambiar contraseña" }).click();
  await expect(rosa.getByRole("status")).toContainText("Contraseña cambiada");
  await rosa.goto("/tablero");
  await expect(rosa.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(rosa.getByRole("alert")).toHaveCount(0);

  // Both steps are in the audit log.
  await admin.goto("/administracion?evento=password_reset");
  await expect(admin.locator('tr[data-event="password_reset"]').first()).toContainText("rosa@agetic.gob.bo");
  await admin.goto("/administracion?evento=password_changed");
  await expect(admin.locator('tr[data-event="password_changed"]').first()).toContainText("rosa@agetic.gob.bo");
});
