// Every test runs with the app's Content-Security-Policy on: a violation
// (an inline script without the page's nonce, an eval, a foreign source)
// is logged by Chromium to the console, and fails the test.
import { expect, test as base, type BrowserContext } from "@playwright/test";

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      const watched = new WeakSet<BrowserContext>();
      const watch = (ctx: BrowserContext) => {
        if (watched.has(ctx)) return;
        watched.add(ctx);
        ctx.on("console", (message) => {
          const text = message.text();
          if (/Content.Security.Policy/i.test(text)) violations.push(`${message.page()?.url()}: ${text}`);
        });
      };
      watch(context);
      // Tests that open pages of their own (two people at once) too.
      const newContext = browser.newContext.bind(browser);
      const newPage = browser.newPage.bind(browser);
      browser.newContext = async (options) => {
        const created = await newContext(options);
        watch(created);
        return created;
      };
      browser.newPage = async (options) => {
        const page = await newPage(options);
        watch(page.context());
        return page;
      };
      await use();
      browser.newContext = newContext;
      browser.newPage = newPage;
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
