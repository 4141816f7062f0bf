import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

const node = (page: Page, n: number) => page.locator(`svg [data-activity="${n}"]`);
const current = (page: Page) => page.locator('svg [data-activity][aria-current="step"]');

async function currentNumbers(page: Page): Promise<string[]> {
  return current(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-activity") ?? ""));
}

test("the catalogue lists the four procedures of the manual", async ({ page }) => {
  await open(page, "/procedimientos");
  const cards = page.locator("[data-procedure]");
  await expect(cards).toHaveCount(4);
  await expect(page.locator('[data-procedure="PR05"]')).toContainText("28 actividades");
  await expect(page.locator('[data-procedure="PR6"]')).toContainText("19 actividades");
  await expect(page.locator('[data-procedure="PR7"]')).toContainText("27 actividades");
  await expect(page.locator('[data-procedure="PR09"]')).toContainText("14 actividades");
  await page.getByRole("link", { name: /PR05/ }).click();
  await expect(page).toHaveURL(/\/procedimientos\/PR05$/);
  await expect(node(page, 28)).toBeVisible();
});

test("PR05: an activity's detail opens by click and by keyboard", async ({ page }) => {
  await open(page, "/procedimientos/PR05");
  await expect(page.locator("svg [data-activity]")).toHaveCount(28);

  await node(page, 5).click();
  const detail = page.locator(".detail");
  await expect(detail.getByRole("heading", { name: "Actividad 5" })).toBeVisible();
  await expect(detail).toContainText("Solicita la puesta en producción mediante nota interna a la UIT");
  await expect(detail).toContainText("Jefe de la UGAT");
  await expect(detail).toContainText("Nota interna");
  // Where the manual says it, to check the step against the approved text.
  await expect(detail.locator("[data-source]")).toHaveText(
    /^UGAT\/AIT-PR05 versión 2, actividad 5 \(hoja \d+ de \d+; sección .+ del manual\)$/,
  );

  await node(page, 9).focus();
  await page.keyboard.press("Enter");
  await expect(detail.getByRole("heading", { name: "Actividad 9" })).toBeVisible();
  await expect(detail).toContainText("Unión: espera a que terminen todas las líneas");
  await expect(detail).toContainText("Nota de interpretación");
  await expect(detail).toContainText("Existen observaciones y/o sugerencias");

  // From the detail, the previous activity opens in turn.
  await detail.getByRole("button", { name: "Actividad 8" }).click();
  await expect(detail.getByRole("heading", { name: "Actividad 8" })).toBeVisible();
  await expect(detail).toContainText("UPAT");

  // The steps' list, the diagram's text alternative, opens them too.
  await page.getByRole("button", { name: "Ver detalle de la actividad 12" }).click();
  await expect(detail.getByRole("heading", { name: "Actividad 12" })).toBeVisible();
  await expect(node(page, 12)).toHaveClass(/selected/);
});

test("PR09 walk-through reaches both of its ends, the highlight following", async ({ page }) => {
  await open(page, "/procedimientos/PR09");
  await expect(current(page)).toHaveCount(0);
  await page.getByRole("button", { name: "Iniciar recorrido" }).click();
  expect(await currentNumbers(page)).toEqual(["1"]);

  const complete = async (n: number, choice = "continuar") => {
    await page.locator(`.practice [data-complete="${n}"][data-choice="${choice}"]`).click();
  };
  await complete(1);
  await expect(node(page, 1)).toHaveAttribute("data-state", "done");
  expect(await currentNumbers(page)).toEqual(["2"]);
  await complete(2);
  expect(await currentNumbers(page)).toEqual(["3"]);

  // First branch: no inconsistencies closes the flow at activity 3.
  await complete(3, "sin-inconsistencias");
  await expect(current(page)).toHaveCount(0);
  await expect(page.locator(".practice")).toContainText("El caso terminó: Flujo cerrado: no existen inconsistencias");
  await expect(node(page, 3)).toHaveAttribute("data-state", "done");
  await expect(node(page, 4)).toHaveAttribute("data-state", "pending");

  // Second branch: inconsistencies run to the note the entity receives.
  await page.getByRole("button", { name: "Reiniciar" }).click();
  expect(await currentNumbers(page)).toEqual(["1"]);
  await complete(1);
  await complete(2);
  await complete(3, "con-inconsistencias");
  for (let n = 4; n <= 13; n++) {
    expect(await currentNumbers(page)).toEqual([String(n)]);
    await complete(n);
  }
  // The diagram has followed the highlight down to the last activity.
  const svgBox = (await page.locator("svg.flowchart-svg").boundingBox())!;
  const lastBox = (await node(page, 14).boundingBox())!;
  expect(lastBox.y).toBeGreaterThanOrEqual(svgBox.y);
  expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(svgBox.y + svgBox.height);
  await complete(14);
  await expect(current(page)).toHaveCount(0);
  await expect(page.locator(".practice")).toContainText("El caso terminó: Procedimiento concluido");
  await expect(page.locator("svg [data-activity][data-state=done]")).toHaveCount(14);
});

test("PR05 walk-through shows parallel work, a waiting join and observation rounds", async ({ page }) => {
  await open(page, "/procedimientos/PR05");
  await page.getByRole("button", { name: "Iniciar recorrido" }).click();
  const complete = async (n: number, choice = "continuar") => {
    await page.locator(`.practice [data-complete="${n}"][data-choice="${choice}"]`).click();
  };
  await complete(1);
  await complete(2);
  expect(await currentNumbers(page)).toEqual(["3", "5"]);
  await complete(3);
  await complete(4);
  expect(await currentNumbers(page)).toEqual(["5", "6", "7", "8", "14"]);
  await complete(7);
  await expect(node(page, 9)).toHaveAttribute("data-state", "waiting");
  await complete(8);
  await expect(node(page, 9)).toHaveAttribute("aria-current", "step");
  await complete(9, "con-observaciones");
  await complete(10);
  await complete(11);
  await complete(12);
  await expect(node(page, 9)).toHaveAttribute("aria-current", "step");
  await expect(node(page, 9).locator(".rounds")).toHaveText("×2");
});

test("the diagram zooms with the wheel and buttons, pans by dragging and fits", async ({ page }) => {
  await open(page, "/procedimientos/PR7");
  const svg = page.locator("svg.flowchart-svg");
  const viewBox = async () => (await svg.getAttribute("viewBox"))!.split(" ").map(Number);
  const initial = await viewBox();

  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await viewBox())[2]).toBeLessThan(initial[2]);

  const zoomed = await viewBox();
  await page.mouse.move(box.x + 200, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 120, { steps: 8 });
  await page.mouse.up();
  const panned = await viewBox();
  expect(panned[0]).toBeGreaterThan(zoomed[0]);
  expect(panned[1]).toBeGreaterThan(zoomed[1]);
  // A drag that ends on an activity does not open it.
  await expect(page.locator(".detail")).toContainText("Seleccione una actividad");

  await page.getByRole("button", { name: "Ajustar" }).click();
  const fitted = await viewBox();
  expect(fitted[2]).toBeGreaterThanOrEqual(initial[2]);
  expect(fitted[3]).toBeGreaterThan(initial[3]);

  await page.getByRole("button", { name: "Acercar" }).click();
  expect((await viewBox())[2]).toBeLessThan(fitted[2]);
});

test("two fingers pinch to zoom and one finger drags the diagram", async ({ page }) => {
  await open(page, "/procedimientos/PR6");
  const svg = page.locator("svg.flowchart-svg");
  const viewBox = async () => (await svg.getAttribute("viewBox"))!.split(" ").map(Number);
  const box = (await svg.boundingBox())!;
  const touch = (type: string, id: number, x: number, y: number) =>
    svg.evaluate(
      (el, [type, id, x, y]) =>
        el.dispatchEvent(
          new PointerEvent(type as string, {
            pointerId: id as number,
            pointerType: "touch",
            clientX: x as number,
            clientY: y as number,
            bubbles: true,
            cancelable: true,
          }),
        ),
      [type, id, x, y],
    );
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;

  const before = await viewBox();
  await touch("pointerdown", 1, cx - 50, cy);
  await touch("pointerdown", 2, cx + 50, cy);
  await touch("pointermove", 2, cx + 150, cy);
  await touch("pointerup", 2, cx + 150, cy);
  await touch("pointerup", 1, cx - 50, cy);
  const pinched = await viewBox();
  // The fingers moved twice as far apart: twice as close.
  expect(pinched[2]).toBeCloseTo(before[2] / 2, 0);

  await touch("pointerdown", 3, cx, cy);
  await touch("pointermove", 3, cx, cy - 60);
  await touch("pointerup", 3, cx, cy - 60);
  const dragged = await viewBox();
  expect(dragged[1]).toBeGreaterThan(pinched[1]);
  expect(dragged[2]).toBeCloseTo(pinched[2], 5);
});

test.describe("on a 768×1024 tablet", () => {
  test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true });

  for (const path of ["/procedimientos", "/procedimientos/PR05", "/procedimientos/PR6", "/procedimientos/PR7"]) {
    test(`${path} has no horizontal scroll`, async ({ page }) => {
      await open(page, path);
      if (path !== "/procedimientos") {
        await page.getByRole("button", { name: "Iniciar recorrido" }).click();
        await node(page, 1).tap();
        await expect(page.locator(".detail").getByRole("heading", { name: "Actividad 1" })).toBeVisible();
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
});

test("an unknown procedure is a clear not-found page", async ({ page }) => {
  const response = await page.goto("/procedimientos/PR99");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Página no encontrada" })).toBeVisible();
});

test("the site's files are named by content, stored compressed and cached for a year", async ({ request }) => {
  const page = await request.get("/procedimientos");
  expect(page.headers()["cache-control"]).toBe("no-store");
  const html = await page.text();
  const files = [...new Set(html.match(/\/pkg\/manual\.[A-Za-z0-9_-]{22}\.(js|wasm|css)/g) ?? [])];
  expect(files.map((f) => f.split(".").pop()).sort()).toEqual(["css", "js", "wasm"]);
  for (const file of files) {
    for (const encoding of ["br", "gzip"]) {
      const response = await request.get(file, { headers: { "accept-encoding": encoding } });
      expect(response.status(), file).toBe(200);
      expect(response.headers()["content-encoding"], `${file} ${encoding}`).toBe(encoding);
      expect(response.headers()["cache-control"], file).toBe("public, max-age=31536000, immutable");
      expect(response.headers()["x-content-type-options"], file).toBe("nosniff");
    }
  }
});
