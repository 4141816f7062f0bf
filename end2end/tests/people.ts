import type { Browser, Page } from "@playwright/test";
import { expect } from "./fixtures";

// The demo accounts (password "demo"): scripts/e2e.sh starts the server with APP_DEMO=1.

export async function signIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/ingresar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill("demo");
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(page).toHaveURL(/\/bandeja$/);
  await expect(page.locator(`[data-account="${email}"]`)).toBeVisible();
  return page;
}

export async function openCase(page: Page, procedure: string): Promise<{ id: string; reference: string }> {
  const entities = await page.request.get("/api/v1/me");
  expect(entities.ok()).toBeTruthy();
  const entityId = await page.evaluate(async () => {
    const response = await fetch("/api/v1/entities");
    const list = await response.json();
    return list.find((e: { code: string }) => e.code === "DEMO").id as string;
  });
  const response = await page.request.post("/api/v1/cases", {
    data: { procedure, entity_id: entityId, title: "Integración de Ciudadanía Digital" },
  });
  expect(response.status()).toBe(201);
  return response.json();
}
