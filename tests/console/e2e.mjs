// Browser end-to-end tests of `fieldref console`, driven through headless Chromium by
// playwright-core. Run by tests/suites/console.sh, which builds the binaries, starts a real
// fieldref-server and the console on loopback, and passes everything in the environment.
// Prints `ok: NAME` / `FAILED: NAME` per test and `console-e2e: N passed, N failed` at the end.
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, mkdirSync, writeFileSync, unlinkSync } from "node:fs";
import path from "node:path";

const env = process.env;
const CONSOLE = env.CONSOLE_URL;
const CONTENT = env.CONTENT_DIR;
const ORIGINAL = env.ORIGINAL_CONTENT_DIR;
const OUT = env.OUT_DIR;
const FIELDREF = env.FIELDREF_BIN;
const SERVER = env.SERVER_URL;
mkdirSync(OUT, { recursive: true });

function fieldref(args) {
  return execFileSync(FIELDREF, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function problemsText(page) {
  return (await page.locator("#problems").textContent()) || "";
}

// Waits until the checks panel settles on a text matching `pattern`.
async function waitForChecks(page, pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById("check-state").textContent + " " + document.getElementById("problems").textContent),
    pattern.source,
    { timeout: 15000 },
  );
}

const STEP = "Offer the weighted lap blanket from the sensory kit before any questions.";
const LINKED = "contact-spectrum-path-autism-center";
const CHECKLIST = "checklists/checklist-autism.md";

async function checklistStepToDevice(page) {
  await page.goto(`${CONSOLE}/doc?path=${CHECKLIST}`);
  await waitForChecks(page, /No problems/);
  // A new step in the first section, with a mistake: "say" filled, the step's text left empty.
  const section = page.locator('[data-list="sections"] > [data-item]').first();
  await section.locator(':scope > button[data-action="add"][data-target="steps"]').click();
  const steps = section.locator('[data-list="steps"] > [data-item]');
  const count = await steps.count();
  const step = steps.nth(count - 1);
  await step.getByLabel("Say (example phrasing)").fill("Would the blanket help?");
  await waitForChecks(page, /must not be empty/);
  const problems = await problemsText(page);
  const field = `sections[0].steps[${count - 1}].text`;
  assert(problems.includes(`${field}: must not be empty`), `validator message shown: ${problems}`);
  assert(problems.includes(`${CONTENT}/${CHECKLIST}:`), `the same path:line as pack validate: ${problems}`);
  const text = step.getByLabel("Step", { exact: true });
  assert((await text.getAttribute("aria-invalid")) === "true", "the empty field is marked invalid");
  await page.screenshot({ path: path.join(OUT, "console-problem.png"), fullPage: false });
  // Fix it; link the step to a contact (an unchosen link and a language the contact does not
  // offer are caught first); move it up one place with the keyboard.
  await text.fill(STEP);
  await waitForChecks(page, /No problems/);
  await step.getByRole("button", { name: "Add contact link" }).click();
  await waitForChecks(page, /dangling link: there is no contact ``/);
  const link = step.getByLabel("Linked contact");
  assert(await link.evaluate((el) => el === document.activeElement), "the new link's choice has the focus");
  assert((await link.getAttribute("aria-invalid")) === "true", "the unchosen link is marked invalid");
  await link.selectOption(LINKED);
  const language = step.getByLabel("Language the step requires");
  await language.fill("so");
  await waitForChecks(page, /requires_language `so` not met/);
  await language.fill("");
  await waitForChecks(page, /No problems/);
  await step.getByRole("button", { name: "Move step up" }).focus();
  await page.keyboard.press("Enter");
  await waitForChecks(page, /No problems/);
  // Previews: the officer sees the new step, a partner does not get this officers-only checklist.
  await page.getByRole("button", { name: "As an officer" }).click();
  await page.locator("#preview").getByText(STEP).waitFor({ timeout: 15000 });
  await page.locator("#preview li", { hasText: STEP }).getByText(/Call Spectrum Path/).waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "As a community partner" }).click();
  await page.locator("#preview").getByText("Not shown to a community partner").waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "As an officer" }).click();
  await page.locator("#preview").getByText(STEP).waitFor({ timeout: 15000 });
  await page.locator('[data-list="sections"] > [data-item]').first().locator(".item-title").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, "console.png"), fullPage: false });
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator("#save-status").getByText("Saved").waitFor({ timeout: 15000 });
  const saved = readFileSync(path.join(CONTENT, CHECKLIST), "utf8");
  const original = readFileSync(path.join(ORIGINAL, CHECKLIST), "utf8");
  const caregiver = '[[sections.steps]]\ntext = "Ask the caregiver';
  const expected = original.replace(caregiver,
    `[[sections.steps]]\ntext = "${STEP}"\nsay = "Would the blanket help?"\ncontacts = ["${LINKED}"]\n\n${caregiver}`);
  assert(saved === expected, `only the new step was added, above the last one:\n${saved.slice(0, 1500)}`);
  // The officer search preview finds it, with the words marked.
  await page.goto(`${CONSOLE}/search?q=${encodeURIComponent("weighted lap blanket")}`);
  const first = page.locator("ol.hits li").first();
  assert((await first.textContent()).includes("checklist-autism"), "officer search ranks the checklist first");
  assert((await first.locator("mark").count()) > 0, "matched words are highlighted");
  // Publish: the diff names the change, a dry run, then the signed upload.
  await page.goto(`${CONSOLE}/publish`);
  await page.getByRole("button", { name: "Show changes" }).click();
  await page.locator("#publish-result ins").getByText(STEP).waitFor({ timeout: 30000 });
  const diff = await page.locator("#publish-result").textContent();
  assert(diff.includes("Changed: Person with autism"), `diff names the document: ${diff.slice(0, 400)}`);
  assert(!diff.includes("Added:") && !diff.includes("Removed:"), "only that document changed");
  await page.getByRole("button", { name: "Dry run" }).click();
  await page.locator("#publish-result").getByText("would publish version 2").first().waitFor({ timeout: 30000 });
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Sign and publish" }).click();
  await page.locator("#publish-result").getByText("published version 2").first().waitFor({ timeout: 60000 });
  // A device syncs and finds the new step with `fieldref search`.
  const device = ["--data-dir", env.DEVICE_DIR, "--trust-root", env.TRUST_ROOT];
  fieldref([...device, "sync", "--server", SERVER]);
  const found = JSON.parse(fieldref([...device, "search", "weighted lap blanket", "--json"]));
  assert(found.hits.length > 0 && found.hits[0].id === "checklist-autism", `device search: ${JSON.stringify(found.hits.slice(0, 2))}`);
  const shown = JSON.parse(fieldref([...device, "show", "checklist-autism", "--json"]));
  const synced = shown.document.sections.flatMap((sec) => sec.steps).find((st) => st.text === STEP);
  assert(synced && JSON.stringify(synced.contacts) === JSON.stringify([LINKED]), `the device has the new step and its link: ${JSON.stringify(synced)}`);
}

const CONTACT = "contacts/contact-alder-aging-disability-resource.md";

async function contactHours(page) {
  await page.goto(`${CONSOLE}/doc?path=${CONTACT}`);
  await waitForChecks(page, /No problems/);
  const hours = page.getByLabel("Hours", { exact: true });
  await hours.fill("Mo-Fr 25:00");
  await waitForChecks(page, /hours: .*is not valid opening_hours syntax/);
  await hours.fill("Mo-Fr 10:00-16:00; Sa 10:00-14:00");
  await waitForChecks(page, /No problems/);
  // The console runs with "now" fixed at Wednesday 2026-11-25 15:00 UTC = 09:00 in Chicago.
  const grid = page.locator("#hours-grid");
  await grid.getByText("closed, opens Wed 10:00").waitFor({ timeout: 15000 });
  const cell = (day, time) => grid.locator(`tr:has(th:text-is("${day}")) td[title^="${time} "]`);
  const state = async (day, time) => (await cell(day, time).getAttribute("title")).split(" ")[1];
  assert((await state("Mon 23 Nov", "09:30")) === "closed", "Monday 09:30 closed");
  assert((await state("Mon 23 Nov", "10:00")) === "open", "Monday 10:00 open");
  assert((await state("Fri 27 Nov", "15:30")) === "open", "Friday 15:30 open");
  assert((await state("Fri 27 Nov", "16:00")) === "closed", "Friday 16:00 closed");
  assert((await state("Sat 28 Nov", "13:30")) === "open", "Saturday 13:30 open");
  assert((await state("Sat 28 Nov", "14:00")) === "closed", "Saturday 14:00 closed");
  assert((await grid.locator('tr:has(th:text-is("Sun 29 Nov")) td.open').count()) === 0, "Sunday closed all day");
  assert((await grid.locator("tr.today th").textContent()).startsWith("Wed 25 Nov"), "today is marked");
  // Whoever called the organization to confirm the new hours records the day.
  const verified = page.getByLabel("Verified with the organization on");
  await verified.fill("2099-12-31");
  await waitForChecks(page, /verified_at: .*future/);
  await verified.fill("2026-11-24");
  await waitForChecks(page, /No problems/);
  await page.keyboard.press("Control+s");
  await page.locator("#save-status").getByText("Saved").waitFor({ timeout: 15000 });
  const saved = readFileSync(path.join(CONTENT, CONTACT), "utf8");
  const original = readFileSync(path.join(ORIGINAL, CONTACT), "utf8");
  const before = original.match(/^hours = .*$/m)[0];
  const verifiedBefore = original.match(/^verified_at = .*$/m)[0];
  assert(saved === original.replace(before, 'hours = "Mo-Fr 10:00-16:00; Sa 10:00-14:00"')
    .replace(verifiedBefore, 'verified_at = "2026-11-24"'),
    `only the hours and verified_at lines changed:\n${saved}`);
}

async function fieldAnswers(page) {
  const device = ["--data-dir", env.DEVICE_DIR, "--trust-root", env.TRUST_ROOT];
  fieldref([...device, "outbox", "feedback", "checklist-autism", "The sensory kit number rings out"]);
  fieldref([...device, "outbox", "ack", "checklist-autism"]);
  fieldref([...device, "sync", "--server", SERVER]);
  await page.goto(`${CONSOLE}/feedback`);
  const row = page.locator("tr", { hasText: "The sensory kit number rings out" });
  await row.waitFor({ timeout: 15000 });
  assert((await page.locator("h2", { hasText: "Read acknowledgements (1)" }).count()) === 1, "the acknowledgement is listed");
  await row.getByRole("button", { name: /Mark resolved/ }).click();
  await row.getByText("Resolved").waitFor({ timeout: 15000 });
  await page.reload();
  await page.locator("tr", { hasText: "The sensory kit number rings out" }).getByText(/Resolved .* by/).waitFor({ timeout: 15000 });
  await page.locator("tr", { hasText: "The sensory kit number rings out" }).getByRole("link", { name: "Open checklist-autism" }).click();
  await page.waitForURL(/doc\?path=checklists\/checklist-autism\.md/);
}

const NOTE = "notes/note-console-e2e.md";
const NOTE_TITLE = "Greeting families at the marigold quiet room";
const NOTE_DO = "Offer the marigold quiet room before asking any questions.";
// Review dates around the day the test runs (the validator judges them against today).
const daysFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const REVIEWED = daysFromNow(-10);
const REVIEW_DUE = daysFromNow(355);

// Publishes the folder from the console's publish page (the caller's page accepts the confirm
// dialog) and syncs the device.
async function publishAndSync(page, version, added) {
  await page.goto(`${CONSOLE}/publish`);
  await page.getByRole("button", { name: "Show changes" }).click();
  await page.locator("#publish-result h3", { hasText: added }).first().waitFor({ timeout: 30000 });
  await page.getByRole("button", { name: "Dry run" }).click();
  await page.locator("#publish-result").getByText(`would publish version ${version}`).first().waitFor({ timeout: 30000 });
  await page.getByRole("button", { name: "Sign and publish" }).click(); // the page accepts its confirm
  await page.locator("#publish-result").getByText(`published version ${version}`).first().waitFor({ timeout: 60000 });
  fieldref(["--data-dir", env.DEVICE_DIR, "--trust-root", env.TRUST_ROOT, "sync", "--server", SERVER]);
}

function deviceShows(id) {
  return JSON.parse(fieldref(["--data-dir", env.DEVICE_DIR, "--trust-root", env.TRUST_ROOT, "show", id, "--json"])).document;
}

async function documentLifecycle(page) {
  try {
    await noteLifecycle(page);
  } catch (e) {
    // Leave the folder publishable for the tests after this one.
    for (const file of [NOTE, "notes/note-console-e2e-copy.md"]) {
      if (existsSync(path.join(CONTENT, file))) unlinkSync(path.join(CONTENT, file));
    }
    throw e;
  }
}

async function noteLifecycle(page) {
  page.on("dialog", (d) => d.accept());
  await page.goto(`${CONSOLE}/?kind=note&q=veterans`);
  const rows = page.locator("tbody tr");
  assert((await rows.count()) === 1, `one note matches "veterans": ${await rows.count()}`);
  assert((await rows.first().textContent()).includes("note-veterans"), "the veterans note");
  await page.goto(`${CONSOLE}/?kind=contact&state=problems`);
  assert((await rows.count()) === 0, "no contact has problems");
  // Create a note, duplicate it, delete the copy. A new note asks for its provenance (authors,
  // reviewer, sources) before it can be published, so its checks are not green.
  await page.goto(`${CONSOLE}/`);
  await page.getByLabel("Kind", { exact: true }).last().selectOption("note");
  await page.getByLabel("Id", { exact: true }).fill("note-console-e2e");
  await page.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/note-console-e2e\.md$/);
  await waitForChecks(page, /authors: missing/);
  const doItems = page.locator('[data-list="do"] > [data-item]');
  await page.getByRole("button", { name: "Add do item" }).click();
  await doItems.last().getByLabel("Do item", { exact: true }).fill("Introduce yourself by name.");
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator("#save-status").getByText("Saved").waitFor({ timeout: 15000 });
  const created = readFileSync(path.join(CONTENT, NOTE), "utf8");
  assert(created.includes('do = ["Something to do.", "Introduce yourself by name."]'), `the do list is saved:\n${created}`);
  // Someone changes the file on disk meanwhile: the console refuses to write over it.
  const outside = created.replace("The note.", "The note, edited in a text editor.");
  writeFileSync(path.join(CONTENT, NOTE), outside);
  await page.getByLabel("Title", { exact: true }).fill("A title typed in the console");
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator("#save-status").getByText("changed on disk since you opened it").waitFor({ timeout: 15000 });
  assert(readFileSync(path.join(CONTENT, NOTE), "utf8") === outside, "the outside edit is kept");
  await page.reload();
  await waitForChecks(page, /authors: missing/);
  await page.getByLabel("Id of the copy").fill("note-console-e2e-copy");
  await page.getByRole("button", { name: "Duplicate" }).click();
  await page.waitForURL(/note-console-e2e-copy\.md/);
  await waitForChecks(page, /authors: missing/);
  assert((await page.getByLabel("Title", { exact: true }).inputValue()) === "New note (copy)", "the copy's title");
  await page.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(`${CONSOLE}/`);
  assert(!existsSync(path.join(CONTENT, "notes/note-console-e2e-copy.md")), "the copy is deleted");
  assert(existsSync(path.join(CONTENT, NOTE)), "the original stays");

  // Fill the note's provenance through its editors, from the keyboard where a row is added,
  // until the validator has nothing left to say.
  await page.goto(`${CONSOLE}/doc?path=${NOTE}`);
  await waitForChecks(page, /authors: missing/);
  await page.getByLabel("Title", { exact: true }).fill(NOTE_TITLE);
  await doItems.last().getByLabel("Do item", { exact: true }).fill(NOTE_DO);
  const prov = page.locator("#provenance");
  await prov.getByRole("button", { name: "Add author" }).focus();
  await page.keyboard.press("Enter");
  const author = prov.getByLabel("Author", { exact: true });
  assert(await author.evaluate((el) => el === document.activeElement), "the new author row has the focus");
  const outline = await author.evaluate((el) => getComputedStyle(el).outlineStyle + " " + getComputedStyle(el).outlineWidth);
  assert(outline.startsWith("solid") && !outline.endsWith(" 0px"), `and its focus is visible: outline ${outline}`);
  await page.keyboard.type("Port Alder PD Training Unit");
  await waitForChecks(page, /reviewed_by: missing/);
  await prov.getByLabel("Reviewed by").fill("Sgt. Dana Okafor, CIT Coordinator");
  await prov.getByLabel("Reviewed on").fill(REVIEWED);
  await prov.getByLabel("Next review due").fill(daysFromNow(-11));
  await waitForChecks(page, /review_due: .*is not after reviewed_at/);
  await prov.getByLabel("Next review due").fill(REVIEW_DUE);
  await waitForChecks(page, /sources\[0\]\.title: must not be empty/);
  await prov.getByLabel("Source title").fill("Autism Society: resources for first responders and families");
  await prov.getByLabel("Source web address").fill("autismsociety.org");
  await waitForChecks(page, /sources\[0\]\.url: .*expected an http/);
  await prov.getByLabel("Source web address").fill("https://autismsociety.org/");
  await prov.getByRole("button", { name: "Add change note" }).click();
  assert((await prov.getByLabel("Change revision").inputValue()) === "1", "a change note is for the current revision");
  assert(/^\d{4}-\d{2}-\d{2}$/.test(await prov.getByLabel("Change date").inputValue()), "and dated today");
  await waitForChecks(page, /changes\[0\]\.note: must not be empty/);
  await prov.getByLabel("What changed").fill("First version.");
  await page.getByRole("button", { name: "Add contact link" }).click();
  await page.getByLabel("Linked contact").selectOption(LINKED);
  await waitForChecks(page, /No problems/);
  await page.getByRole("button", { name: "As a community partner" }).click();
  await page.locator("#preview").getByText(NOTE_DO).waitFor({ timeout: 15000 });
  const preview = await page.locator("#preview").textContent();
  assert(preview.includes(`Reviewed by Sgt. Dana Okafor, CIT Coordinator on ${REVIEWED}`), `the partner sees the review: ${preview}`);
  assert(preview.includes("What changed in revision 1") && preview.includes("Call Spectrum Path"), `and the change note and call button: ${preview}`);
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator("#save-status").getByText("Saved").waitFor({ timeout: 15000 });
  const filled = readFileSync(path.join(CONTENT, NOTE), "utf8");
  for (const line of ['authors = ["Port Alder PD Training Unit"]\n', 'reviewed_by = "Sgt. Dana Okafor, CIT Coordinator"\n',
    `reviewed_at = "${REVIEWED}"\n`, `review_due = "${REVIEW_DUE}"\n`, `contacts = ["${LINKED}"]\n`,
    '[[sources]]\ntitle = "Autism Society: resources for first responders and families"\nurl = "https://autismsociety.org/"\n',
    '[[changes]]\nrevision = 1\ndate = "', 'note = "First version."\n',
    "# The sources this guidance follows"]) {
    assert(filled.includes(line), `the file has ${JSON.stringify(line)}:\n${filled}`);
  }
  fieldref(["pack", "validate", CONTENT]);
  // Published, synced, found on the device with its provenance.
  await publishAndSync(page, 3, `Added: ${NOTE_TITLE}`);
  const found = JSON.parse(fieldref(["--data-dir", env.DEVICE_DIR, "--trust-root", env.TRUST_ROOT, "search", "marigold quiet room", "--json"]));
  assert(found.hits.length > 0 && found.hits[0].id === "note-console-e2e", `device search: ${JSON.stringify(found.hits.slice(0, 2))}`);
  let synced = deviceShows("note-console-e2e");
  assert(synced.reviewed_by === "Sgt. Dana Okafor, CIT Coordinator" && synced.sources.length === 1, `the device has the provenance: ${JSON.stringify(synced)}`);

  // Editing the published note: "New revision" raises the revision and asks for its change note.
  await page.goto(`${CONSOLE}/doc?path=${NOTE}`);
  await waitForChecks(page, /No problems/);
  await doItems.first().getByLabel("Do item", { exact: true }).fill("Say your name and that you are there to help.");
  await prov.getByRole("button", { name: "New revision" }).focus();
  await page.keyboard.press("Enter");
  assert((await page.getByLabel("Revision", { exact: true }).inputValue()) === "2", "the revision is raised");
  await waitForChecks(page, /changes\[1\]\.note: must not be empty/);
  await page.keyboard.type("The first do item says to introduce yourself and why you are there.");
  await waitForChecks(page, /No problems/);
  await page.keyboard.press("Control+s");
  await page.locator("#save-status").getByText("Saved").waitFor({ timeout: 15000 });
  const revised = readFileSync(path.join(CONTENT, NOTE), "utf8");
  assert(revised.includes("revision = 2\n") && revised.includes("[[changes]]\nrevision = 2\n"), `the new revision and its note:\n${revised}`);
  await publishAndSync(page, 4, `Changed: ${NOTE_TITLE}`);
  synced = deviceShows("note-console-e2e");
  const latest = synced.changes.find((c) => c.revision === 2);
  assert(synced.revision === 2 && latest && latest.note.startsWith("The first do item"), `the device has revision 2's note: ${JSON.stringify(synced.changes)}`);
}

// A second console with a token the server does not know: its errors come back in plain words.
async function serverErrorsInPlainWords(page) {
  const child = spawn(FIELDREF, ["console", CONTENT, "--no-open", "--server", SERVER,
    "--token", "not-a-real-token", "--key", env.RELEASE_KEY], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let seen = "";
      child.stdout.on("data", (chunk) => {
        seen += chunk;
        const match = seen.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
        if (match) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`console exited ${code}`)));
      setTimeout(() => reject(new Error("console did not start")), 15000);
    });
    await page.goto(`${url}/publish`);
    await page.getByRole("button", { name: "Show changes" }).click();
    await page.locator("#publish-result [role=alert]").getByText("did not accept your token").waitFor({ timeout: 30000 });
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Sign and publish" }).click();
    await page.locator("#publish-result [role=alert]").getByText("did not accept your token").waitFor({ timeout: 30000 });
    await page.goto(`${url}/feedback`);
    await page.getByRole("alert").getByText("did not accept your token").waitFor({ timeout: 15000 });
  } finally {
    child.kill();
  }
}

const tests = [
  ["a checklist step with a mistake is caught, fixed, previewed, published and found on a synced device", checklistStepToDevice],
  ["a contact's hours show as a week grid and only the hours and verified_at lines are saved", contactHours],
  ["field feedback and acknowledgements are listed and feedback is marked resolved", fieldAnswers],
  ["documents are filtered, created, duplicated and deleted; a new note gets its provenance through the editors, is published and found, then revised with a change note", documentLifecycle],
  ["a refused token is explained in plain words on publish and field answers", serverErrorsInPlainWords],
];

// A fresh profile for every run (the suite makes a new empty folder).
const browser = await chromium.launchPersistentContext(env.BROWSER_PROFILE, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1366, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run"],
});
let passed = 0;
let failed = 0;
for (const [name, run] of tests) {
  const page = await browser.newPage();
  try {
    await run(page);
    console.log(`ok: ${name}`);
    passed += 1;
  } catch (e) {
    console.log(`FAILED: ${name}\n  ${e.stack || e}`);
    await page.screenshot({ path: path.join(OUT, `failed-${passed + failed}.png`) }).catch(() => {});
    failed += 1;
  }
  await page.close();
}
await browser.close();
console.log(`console-e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
