// The newcomer of docs/getting-started.md in Chromium (scripts/newcomer/check.sh runs it): open the app, follow the
// login page's link to registration, register, download the starter model from the Get-started card, load it, ask.
import { chromium } from 'playwright-core';
const base = process.argv[2];
const t0 = Date.now();
const mark = (what) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ baseURL: base });
await page.goto('/');
mark(`opened ${page.url()}`);
await page.getByRole('link', { name: /regist/i }).first().click();
await page.getByLabel('Confirm password').waitFor();
await page.getByLabel('Email').fill('admin@team.example');
await page.getByLabel('Password', { exact: true }).fill('Passw0rd!');
await page.getByLabel('Confirm password').fill('Passw0rd!');
await page.getByRole('button', { name: 'Register' }).click();
await page.getByTestId('get-started').waitFor({ timeout: 60000 }).catch(async e => { await page.screenshot({ path: process.env.FAIL_SCREENSHOT ?? 'newcomer-failure.png' }); console.log(page.url()); throw e; });
mark(`registered, on ${page.url()}`);
const card = page.getByTestId('get-started');
await card.getByTestId('starter-download').click({ timeout: 60000 });
mark('clicked Download the starter model');
const load = card.getByTestId('starter-load');
await load.waitFor({ timeout: 600000 });
mark('downloaded and verified');
await load.click();
const composer = page.getByRole('textbox', { name: 'Message', exact: true });
await composer.waitFor({ state: 'visible' });
for (let i = 0; i < 1200 && !(await composer.isEnabled()); i++) await page.waitForTimeout(100);
mark('model loaded, composer open');
await composer.fill('Hello! What can you do?');
await composer.press('Enter');
const answer = page.getByTestId('message').last();
await page.waitForFunction(() => { const m = [...document.querySelectorAll('[data-testid=message]')].pop(); const body = m && m.querySelector('.markdown-body'); return m && m.dataset.role === 'Assistant' && body && body.innerText.trim().length > 0; }, null, { timeout: 300000 });
mark(`first words of the answer streamed: ${(await answer.innerText()).slice(0, 60).replace(/\s+/g, ' ')}...`);
// Random weights never say "end": a person would read along; we stop it.
await page.getByRole('button', { name: /stop/i }).first().click();
await page.waitForFunction(() => { const m = [...document.querySelectorAll('[data-testid=message]')].pop(); return m && m.dataset.status !== 'Streaming'; }, null, { timeout: 60000 });
mark(`stopped; answer status ${await answer.getAttribute('data-status')}`);
await browser.close();
