import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";
import { openCase, signIn } from "./people";

const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const executable = Buffer.concat([Buffer.from("7f454c46020101000000000000000000", "hex"), Buffer.alloc(120)]);

test("an entity attaches its note while completing an activity and staff download it from the history", async ({ browser }) => {
  const admin = await signIn(browser, "admin@demo.local");
  const opened = await openCase(admin, "PR6");
  const entity = await signIn(browser, "entidad@demo.local");
  await entity.goto(`/expedientes/${opened.id}`);
  await expect(entity.locator("html")).toHaveAttribute("data-hydrated", "true");

  const card = entity.locator('[data-active="1"]');
  const picker = card.getByLabel(/Archivos de la salida/);
  // A program renamed as a PDF is refused by its content, and blocks the
  // completion until it is removed.
  await picker.setInputFiles({ name: "informe.pdf", mimeType: "application/pdf", buffer: executable });
  await expect(card.locator('[data-upload="informe.pdf"] [role="alert"]')).toContainText("no es de un tipo admitido");
  await card.getByLabel("Remite nota externa").check();
  await card.getByLabel(/Referencia de la salida/).fill("NE-15/2026");
  await card.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect(card.locator(".complete-form > [role='alert']")).toContainText("no se pudo subir");
  await card.getByRole("button", { name: "Quitar informe.pdf" }).click();

  await picker.setInputFiles({ name: "Nota técnica Nº 15.pdf", mimeType: "application/pdf", buffer: pdf });
  const upload = card.locator('[data-upload="Nota técnica Nº 15.pdf"]');
  await expect(upload.locator(".upload-done")).toHaveText("Subido");
  await card.getByRole("button", { name: "Completar actividad 1" }).click();
  await expect(entity.locator('[data-active="2"]')).toBeVisible();

  // A correction adds a file to the completed activity as a new entry of
  // the history, without leaving the page; the first file stays.
  const completion = entity.locator(".timeline > li", { hasText: "Completó la actividad 1" });
  await completion.getByText("Adjuntar una corrección").click();
  await completion.getByRole("button", { name: "Adjuntar al historial" }).click();
  await expect(completion.getByRole("alert")).toHaveText("Elija al menos un archivo para adjuntar.");
  await completion.getByLabel(/Archivos que corrigen/).setInputFiles({ name: "Nota corregida.pdf", mimeType: "application/pdf", buffer: pdf });
  await expect(completion.locator('[data-upload="Nota corregida.pdf"] .upload-done')).toHaveText("Subido");
  await completion.getByLabel("Qué corrige (opcional)").fill("Faltaba la firma.");
  await completion.getByRole("button", { name: "Adjuntar al historial" }).click();
  const correction = entity.locator(".timeline > li", { hasText: "Adjuntó una corrección a la actividad 1" });
  await expect(correction.locator('[data-file="Nota corregida.pdf"]')).toBeVisible();
  await expect(correction).toContainText("Faltaba la firma.");
  await expect(completion.locator('[data-file="Nota técnica Nº 15.pdf"]')).toBeVisible();

  // The history keeps the file with who uploaded it and its SHA-256.
  const staff = await signIn(browser, "dge@demo.local");
  await staff.goto(`/expedientes/${opened.id}`);
  await expect(staff.locator("html")).toHaveAttribute("data-hydrated", "true");
  const kept = staff.locator('.timeline [data-file="Nota técnica Nº 15.pdf"]');
  await expect(kept).toContainText("subido por entidad@demo.local");
  await kept.locator(".sha summary").click();
  await expect(kept.locator(".sha code")).toHaveText(/^[0-9a-f]{64}$/);
  const downloading = staff.waitForEvent("download");
  await kept.getByRole("link", { name: "Nota técnica Nº 15.pdf" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("Nota técnica Nº 15.pdf");
  expect(await readFile(await download.path())).toEqual(pdf);
});
