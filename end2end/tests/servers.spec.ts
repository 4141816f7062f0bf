import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Two server processes on one PostgreSQL, as behind a reverse proxy:
// scripts/e2e.sh starts them and names them in BASE_URL_A and BASE_URL_B.
const a = process.env.BASE_URL_A;
const b = process.env.BASE_URL_B;
test.skip(!a || !b, "needs two servers on one PostgreSQL (scripts/e2e.sh starts them)");

async function signIn(browser: Browser, base: string, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto("/ingresar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill("demo");
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page.locator(`[data-account="${email}"]`)).toBeVisible();
  return page;
}

const current = (page: Page) =>
  page.locator('svg [data-activity][aria-current="step"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-activity")));

test("a step taken on one server shows at once on a page served by the other", async ({ browser }) => {
  const entity = await signIn(browser, a!, "entidad@demo.local");
  const response = await entity.request.post("/api/v1/cases", {
    data: {
      procedure: "PR6",
      entity_id: await entity.evaluate(async () => (await (await fetch("/api/v1/me")).json()).entity_id as string),
      title: "Dos servidores",
    },
  });
  expect(response.status()).toBe(201);
  const opened = await response.json();

  // The professional watches the case and the inbox on the other server.
  const profesional = await signIn(browser, b!, "profesional-ait@demo.local");
  const inbox = await (await profesional.context()).newPage();
  await inbox.goto("/bandeja");
  await expect(inbox.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(inbox.locator(`[data-inbox="${opened.reference}:5"]`)).toHaveCount(0);
  await profesional.goto(`/expedientes/${opened.id}`);
  await entity.goto(`/expedientes/${opened.id}`);
  for (const page of [entity, profesional]) {
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    expect(await current(page)).toEqual(["1"]);
  }

  const card = entity.locator('[data-active="1"]');
  await card.getByLabel("Remite correo electrónico").check();
  await card.getByLabel(/Referencia de la salida/).fill("Correo del 28/11/2026");
  await card.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect.poll(() => current(entity)).toEqual(["5"]);

  // Pushed, not polled: well within the old three-second round.
  await expect.poll(() => current(profesional), { timeout: 2_000 }).toEqual(["5"]);
  await expect(profesional.locator('svg [data-activity="1"]')).toHaveAttribute("data-state", "done");
  await expect(profesional.locator(".timeline")).toContainText("Correo del 28/11/2026");
  await expect(profesional.locator('[data-active="5"] .complete-form')).toBeVisible();
  // The inbox on the other server gained the activity, without a reload.
  await expect(inbox.locator(`[data-inbox="${opened.reference}:5"]`)).toBeVisible({ timeout: 2_000 });

  // The professional takes activity 5; the entity's page on the first
  // server drops the finished step, saying who moved it.
  const five = profesional.locator('[data-active="5"]');
  await five.getByLabel("No requiere presentación").check();
  await five.getByLabel(/Referencia de la salida/).fill("Hoja de ruta 41");
  await five.getByRole("button", { name: "Completar actividad 5" }).click();
  await expect.poll(() => current(entity), { timeout: 2_000 }).toEqual(["8"]);
  await expect(entity.locator("[data-news]")).toContainText("Otra persona completó la actividad 5");
});
