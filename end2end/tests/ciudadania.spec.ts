import { expect, test } from "./fixtures";
import { signIn } from "./people";

// scripts/e2e.sh runs the tests' stand-in for Ciudadanía Digital at
// PROVIDER_URL and points the server at it.
const provider = process.env.PROVIDER_URL ?? "";

/** Tells the stand-in provider who signs in next, in Ciudadanía Digital's claim layout. */
async function nextPerson(sub: string, ci: string, names: string, surname: string) {
  const response = await fetch(`${provider}/test/person`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      sub,
      documento_identidad: { tipo_documento: "CI", numero_documento: ci, complemento: "" },
      nombre: { nombres: names, primer_apellido: surname, segundo_apellido: "Mamani" },
      email: `${sub}@salud.gob.bo`,
      celular: "70012345",
    }),
  });
  expect(response.status).toBe(204);
}

test("an unknown person asks for access, an administrator lets them in, and signing out ends the provider's session", async ({ browser }) => {
  expect(provider, "PROVIDER_URL").not.toBe("");
  await nextPerson("rosa-flores", "6234567", "Rosa", "Flores");
  const page = await (await browser.newContext()).newPage();
  await page.goto("/ingresar");
  await page.getByRole("link", { name: "Ingresar con Ciudadanía Digital" }).click();

  // Not known: no session, a request instead.
  await expect(page).toHaveURL(/\/ingresar\/solicitud$/);
  await expect(page.locator("#request-status")).toContainText("aún no tiene una cuenta suya");
  await expect(page.getByText("6234567")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Entidad en la que trabaja").fill("Ministerio de Salud y Deportes");
  await page.getByRole("button", { name: "Enviar solicitud" }).click();
  await expect(page.locator("#request-status")).toContainText("espera a un administrador");

  // An administrator accepts it, giving a role of the manual.
  const admin = await signIn(browser, "admin@demo.local");
  await admin.goto("/administracion");
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");
  const request = admin.locator("article.access-request", { hasText: "Rosa Flores Mamani" });
  await expect(request).toContainText("Ministerio de Salud y Deportes");
  await request.locator("summary", { hasText: "Aceptar" }).click();
  await request.getByLabel("Profesional del AIT").check();
  await request.getByRole("button", { name: "Aceptar y crear la cuenta" }).click();
  await expect(admin.getByRole("status")).toContainText("Solicitud aceptada");
  await expect(admin.locator('tr[data-account="rosa-flores@salud.gob.bo"] .account-roles')).toHaveText("Profesional del AIT");

  // Now the same sign-in lets the person in, named as the provider names them.
  await page.goto("/ingresar");
  await page.getByRole("link", { name: "Ingresar con Ciudadanía Digital" }).click();
  await expect(page).toHaveURL(/\/bandeja$/);
  await expect(page.locator("a.account")).toHaveText("Rosa Flores Mamani");

  // Signing out passes by the provider's end-session page and comes back.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const endSession = page.waitForRequest((r) => r.url().startsWith(`${provider}/session/end`));
  await page.getByRole("button", { name: "Salir" }).click();
  const ended = new URL((await endSession).url());
  expect(ended.searchParams.get("id_token_hint")).toBeTruthy();
  await expect(page).toHaveURL(/\/ingresar$/);
  const me = await page.request.get("/api/v1/me");
  expect(me.status()).toBe(401);
});
