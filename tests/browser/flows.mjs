// What people do on kinmu's screens, one flow per role (see run.mjs).

import path from 'node:path';

/** Signs in through the form and returns the page (in a fresh context). */
// Anything the Content-Security-Policy refused (an inline script, a
// foreign resource) on any page of any flow.
const cspViolations = [];

async function signIn(browser, base, login, password) {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  // A debug build on a busy machine signs in (argon2) slowly.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  await page.goto(`${base}/login`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  // The POST answers with a redirect chain (or the form again): wait for
  // the document that ends it.
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  return page;
}

export async function run({ browser, base, out, here, PASSWORD, check, execFileSync }) {
  // The sign-in page of the demo names its accounts and their password.
  {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    check((await page.textContent('#demo-password')).trim() === PASSWORD, 'the demo sign-in page gives the demo password');
    for (const login of ['admin', 'jinji', 'naika-bucho', 'mensetsu-i', 'd001']) {
      check((await page.locator(`#demo-accounts tr[data-login="${login}"]`).count()) === 1, `the demo sign-in page lists ${login}`);
    }
    await page.screenshot({ path: `${out}/login-demo.png`, fullPage: true });
    await context.close();
  }

  // Each role lands where its work is.
  const landings = [
    ['admin', '/'],
    ['jinji', '/'],
    ['naika-bucho', '/'],
    ['mensetsu-i', '/interviews'],
    ['d001', '/doctors/D001'],
  ];
  for (const [login, landing] of landings) {
    const page = await signIn(browser, base, login, PASSWORD);
    const url = new URL(page.url());
    check(url.pathname === landing, `${login} lands on ${landing} (got ${url.pathname})`);
    await page.context().close();
  }

  const wrong = await signIn(browser, base, 'jinji', 'not the password');
  check((await wrong.textContent('body')).includes('ログインIDまたはパスワードが違います'), 'a wrong password is refused in Japanese');
  await wrong.context().close();

  // The month to look at: the demo's data run to today (Asia/Tokyo); its
  // previous, complete month shows every state (this month is on its way:
  // nobody is over 155 h by the middle of a month in a believable hospital).
  const tokyo = new Date(Date.now() + 9 * 3600e3);
  const shown = new Date(Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth() - 1, 1));
  const demoMonth = shown.toISOString().slice(0, 7);

  // HR: the month's dashboard, every state coloured.
  const hr = await signIn(browser, base, 'jinji', PASSWORD);
  await hr.goto(`${base}/?month=${demoMonth}`);
  const rows = await hr.locator('#dashboard tbody tr').count();
  check(rows === 12, `the dashboard lists the 12 demo doctors (got ${rows})`);
  for (const state of ['watch', 'over100', 'over155']) {
    check((await hr.locator(`#dashboard tr.${state}`).count()) > 0, `the dashboard shows a ${state} doctor`);
  }
  await hr.screenshot({ path: `${out}/dashboard.png`, fullPage: true });

  // A doctor's page: figures, charts and timeline.
  await hr.goto(`${base}/doctors/D005`);
  check((await hr.locator('svg.chart').count()) >= 3, 'the doctor page draws its three charts');
  await hr.screenshot({ path: `${out}/doctor.png`, fullPage: true });

  // HR uploads a Shift_JIS timecard with Japanese headers: preview, then import.
  await hr.goto(`${base}/imports`);
  await hr.selectOption('select[name=kind]', 'timecard');
  await hr.setInputFiles('input[type=file]', path.join(here, 'fixtures', 'timecard-sjis.csv'));
  await Promise.all([hr.waitForURL(/\/imports\/preview\//), hr.click('form[data-upload] button[type=submit]')]);
  check((await hr.textContent('#encoding')).toLowerCase().includes('shift'), 'the preview reads the file as Shift_JIS');
  await Promise.all([hr.waitForURL(/\/imports\/result\//), hr.click('form[action="/imports/commit"] button[type=submit]')]);
  check((await hr.getAttribute('#outcome', 'data-committed')) === 'true', 'the Shift_JIS timecard is imported');
  check((await hr.textContent('#inserted')).trim() === '6', 'all six rows are inserted');

  // A bad file: the rejected rows are listed by line, nothing is written.
  await hr.goto(`${base}/imports`);
  await hr.selectOption('select[name=kind]', 'timecard');
  await hr.setInputFiles('input[type=file]', path.join(here, 'fixtures', 'timecard-bad.csv'));
  await Promise.all([hr.waitForURL(/\/imports\/preview\//), hr.click('form[data-upload] button[type=submit]')]);
  await Promise.all([hr.waitForURL(/\/imports\/result\//), hr.click('form[action="/imports/commit"] button[type=submit]')]);
  check((await hr.getAttribute('#outcome', 'data-committed')) === 'false', 'a file with bad rows writes nothing');
  const rejected = await hr.locator('table#rejected tbody tr').count();
  check(rejected >= 2, `the rejected-row table lists the bad lines (got ${rejected})`);
  await hr.screenshot({ path: `${out}/import-rejected.png`, fullPage: true });

  // HR resolves a discrepancy as work.
  await hr.goto(`${base}/discrepancies?month=${demoMonth}`);
  const before = Number((await hr.textContent('#open-count')).trim());
  check(before > 0, `the queue has open discrepancies (${before})`);
  const first = hr.locator('section.disc').first();
  await first.locator('input[value=work]').check();
  await first.locator('input[name=reason]').fill('本人確認のうえ病棟対応');
  await Promise.all([hr.waitForLoadState('load'), first.locator('button[type=submit]').click()]);
  await hr.waitForLoadState('networkidle');
  await hr.goto(`${base}/discrepancies?month=${demoMonth}`);
  const after = Number((await hr.textContent('#open-count')).trim());
  check(after === before - 1, `resolving one leaves ${before - 1} open (got ${after})`);
  await hr.context().close();

  // The interview physician records an interview assigned to them.
  const doc = await signIn(browser, base, 'mensetsu-i', PASSWORD);
  await doc.goto(`${base}/interviews`);
  const open = doc.locator('#interviews tbody tr:not(:has(.badge.done)) a[href^="/interviews/"]').first();
  check((await open.count()) === 1, 'the physician has an open interview');
  await Promise.all([doc.waitForURL(/\/interviews\/\d+/), open.click()]);
  const today = new Date().toISOString().slice(0, 10);
  // 実施日時 is prefilled with now (to the minute); the month's figures stand beside the form.
  check(await doc.isVisible('#month-figures [data-figure=actual]'), "the doctor's month figures are beside the form");
  await doc.fill('#record-form textarea[name=check_work]', '当直が月8回');
  await doc.fill('#record-form textarea[name=check_sleep]', '平均5時間半');
  await doc.fill('#record-form textarea[name=check_fatigue]', '自覚症状III');
  await doc.fill('#record-form textarea[name=check_mental_physical]', '抑うつ傾向なし');
  await doc.selectOption('#record-form select[name=guidance]', 'observation');
  await doc.selectOption('#record-form select[name=work_class]', 'restricted');
  await doc.fill('#record-form input[name=overtime_limit_hours]', '60');
  await doc.fill('#record-form input[name=night_duty_limit]', '4');
  await doc.fill('#record-form input[name=period_from]', today);
  await doc.fill('#record-form textarea[name=opinion]', '当直回数を月4回以下に減らすこと');
  // 「確認」 shows what will be saved; 「確定」 saves.
  await Promise.all([doc.waitForSelector('#record-confirm'), doc.click('#record-form button')]);
  check((await doc.textContent('#record-confirm')).includes('時間外・休日労働の上限 60時間/月'), 'the confirmation shows the opinion');
  await Promise.all([doc.waitForURL(/saved=1/), doc.click('#record-save')]);
  check((await doc.textContent('body')).includes('保存しました'), 'the interview record is saved');
  check((await doc.textContent('body')).includes('当直回数を月4回以下に減らすこと'), 'the opinion is shown to the physician');
  check((await doc.textContent('#check')).includes('就業制限・配慮'), 'the structured opinion is shown');
  // A correction is a dated addendum; the original stays.
  await doc.selectOption('#addendum-form select[name=field]', 'working_time');
  await doc.fill('#addendum-form textarea[name=new_value]', '時間外・休日労働の上限 45時間/月');
  await doc.fill('#addendum-form input[name=reason]', '記入誤り');
  // An addendum is permanent: the page asks first, then records.
  await Promise.all([doc.waitForNavigation(), doc.click('#addendum-form button')]);
  check((await doc.textContent('#summary')).includes('元の記録は書き換えられず'), 'the addendum is confirmed before it is recorded');
  await Promise.all([doc.waitForURL(/saved=1/), doc.click('form[action$="/addenda"] button[type=submit]')]);
  const addenda = await doc.textContent('#addenda-table');
  check(addenda.includes('45時間/月') && addenda.includes('60時間/月') && addenda.includes('記入誤り'), 'the addendum keeps the original');
  await doc.screenshot({ path: `${out}/interview.png`, fullPage: true });
  await doc.context().close();

  // HR's 面接指導管理 on a phone: every case of this month and the open ones
  // before it, each filter listing what its count says, no health data, and
  // a 予定日時 set on an open interview.
  const thisMonth = tokyo.toISOString().slice(0, 7);
  const phone = await signIn(browser, base, 'jinji', PASSWORD);
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${base}/interviews/manage?month=${thisMonth}`);
  const cases = await phone.locator('#worklist tbody tr').count();
  check(cases > 0, `the work list shows the cases (${cases})`);
  check(!(await phone.textContent('body')).includes('当直回数を月4回以下に減らすこと'), 'the work list shows no opinion');
  await phone.screenshot({ path: `${out}/worklist.png`, fullPage: true });
  check(Number(await phone.getAttribute('[data-filter=overdue]', 'data-count')) >= 1, 'the demo has an interview past its deadline');
  for (const f of ['overdue', 'due_this_week', 'unassigned', 'unscheduled', 'awaiting_opinion', 'measures_unrecorded', 'violation']) {
    const n = Number(await phone.getAttribute(`[data-filter=${f}]`, 'data-count'));
    await phone.goto(`${base}/interviews/manage?month=${thisMonth}&filter=${f}`);
    const listed = await phone.locator('#worklist tbody tr').count();
    check(listed === n, `the ${f} filter lists its ${n} cases (got ${listed})`);
    await phone.goto(`${base}/interviews/manage?month=${thisMonth}`);
  }
  await phone.goto(`${base}/interviews/manage?month=${thisMonth}&filter=unscheduled`);
  const unscheduled = phone.locator('#worklist tbody tr[data-kind=interview] a[href$="/arrange"]').first();
  check((await unscheduled.count()) === 1, 'an open interview has no 予定日時 yet');
  await Promise.all([phone.waitForURL(/\/arrange/), unscheduled.click()]);
  const tomorrow = new Date(Date.now() + 33 * 3600e3).toISOString().slice(0, 10);
  await phone.fill('#schedule-form input[name=scheduled_at]', `${tomorrow}T14:30`);
  await Promise.all([phone.waitForURL(/saved=1/), phone.click('#schedule-form button')]);
  check((await phone.textContent('#scheduled')).includes(`${tomorrow} 14:30`), 'HR sets the 予定日時');
  await phone.screenshot({ path: `${out}/interview-arrange.png`, fullPage: true });
  await phone.context().close();

  // The inspector's print pack: A4, Japanese, exactly the doctors of the monthly report.
  const admin = await signIn(browser, base, 'admin', PASSWORD);
  await admin.goto(`${base}/print`);
  const href = await admin.getAttribute('#print-all', 'href');
  const to = new URL(href, base).searchParams.get('to');
  await admin.goto(new URL(href, base).toString());
  await admin.screenshot({ path: `${out}/print-pack.png`, fullPage: true });
  const pdf = `${out}/inspection-pack.pdf`;
  await admin.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  const info = execFileSync('pdfinfo', [pdf]).toString();
  check(/Page size:.*\(A4\)/.test(info), `the pack prints on A4 (${(info.match(/Page size:.*/) || [''])[0]})`);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  // The ≥ 100 h list's own part (the staffing part lists every doctor).
  const listText = await admin.textContent('section#over100');
  check(text.includes('面接指導') && text.includes('令和'), 'the printed pack is in Japanese with 和暦 dates');

  // The administrator's ledger and access log (checklist 2-(4) to 2-(6)).
  await admin.goto(`${base}/admin/users`);
  const ledger = await admin.textContent('#ledger');
  check(ledger.includes('jinji') && ledger.includes('使用可'), 'the user ledger lists the accounts and their state');
  await admin.screenshot({ path: `${out}/admin-users.png`, fullPage: true });
  await admin.goto(`${base}/admin/audit?verify=1`);
  check((await admin.textContent('#verify-result')).includes('改ざんは見つかりませんでした'), 'the access log chain is intact');
  const log = await admin.textContent('#log');
  // The log names the page in words; the operation's code stays as the cell's title.
  const printed = admin.locator('#log td.op[title="GET /print/pack"]');
  check((await printed.count()) > 0 && (await printed.first().textContent()).includes('立入検査用資料') && log.includes('印刷'),
    'printing the pack is in the access log');
  await admin.screenshot({ path: `${out}/admin-audit.png`, fullPage: true });

  // The administrator adds an account on screen (the CLI's rules); the new
  // person signs in with it.
  await admin.goto(`${base}/admin/users/new`);
  await admin.fill('input[name=login]', 'shinki-jinji');
  await admin.selectOption('select[name=role]', 'hr');
  await admin.fill('input[name=name]', '新規 人事');
  await admin.fill('input[name=password]', 'Kawa-Mori-7319-sora');
  await admin.fill('input[name=confirm]', 'Kawa-Mori-7319-sora');
  await Promise.all([admin.waitForURL(/done=create/), admin.click('#new-account button')]);
  check((await admin.textContent('#ledger')).includes('shinki-jinji'), 'the administrator adds an account on screen');
  await admin.context().close();
  const newcomer = await signIn(browser, base, 'shinki-jinji', 'Kawa-Mori-7319-sora');
  check(new URL(newcomer.url()).pathname === '/', `the new account signs in (at ${newcomer.url()})`);
  await newcomer.context().close();

  // The doctor's self-check on a phone asks for an interview: the judgement
  // in words, and an action on the manager's list.
  const me = await signIn(browser, base, 'd001', PASSWORD);
  await me.setViewportSize({ width: 390, height: 844 });
  await me.goto(`${base}/me/selfcheck`);
  const items = await me.$$eval('#selfcheck-form input[type=radio]', (els) => [...new Set(els.map((e) => e.name))].filter((n) => n !== 'wants_interview'));
  check(items.length >= 20, `the self-check asks every item (${items.length})`);
  for (const name of items) await me.check(`#selfcheck-form input[name="${name}"] >> nth=0`);
  await me.fill('#selfcheck-form input[name=sleep]', '5:30');
  await me.check('#selfcheck-form input[name=wants_interview][value=yes]');
  await Promise.all([me.waitForURL(/saved=1/), me.click('#selfcheck-form button')]);
  check((await me.locator('#judgement').count()) === 1, 'the doctor reads the judgement in words');
  await me.screenshot({ path: `${out}/selfcheck.png`, fullPage: true });
  await me.context().close();
  const head = await signIn(browser, base, 'naika-bucho', PASSWORD);
  await head.goto(`${base}/interviews`);
  check((await head.locator('#actions tr[data-action="requested"][data-staff-id="D001"]').count()) === 1,
    "the doctor's request is on the manager's list");
  await head.screenshot({ path: `${out}/manager-actions.png`, fullPage: true });
  await head.context().close();

  // Compare with the monthly report of the list's last month (the API, as HR).
  const token = await (await fetch(`${base}/api/v1/sessions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'jinji', password: PASSWORD }),
  })).json();
  const month = to.slice(0, 7);
  const last = new Date(Number(to.slice(0, 4)), Number(to.slice(5, 7)), 0).getDate();
  const report = await (await fetch(`${base}/api/v1/reports/monthly?month=${month}&as_of=${month}-${String(last).padStart(2, '0')}`, {
    headers: { Authorization: `Bearer ${token.token}` },
  })).json();
  const over = report.doctors.filter((d) => d.over_100);
  check(over.length > 0, `the demo has doctors over 100 h in ${month}`);
  const flat = listText.replace(/\s+/g, '');
  for (const d of over) {
    const hm = `${Math.floor(d.overtime_holiday_minutes / 60)}:${String(d.overtime_holiday_minutes % 60).padStart(2, '0')}`;
    check(flat.includes(d.name.replace(/\s+/g, '')) && flat.includes(hm), `the pack lists ${d.staff_id} ${d.name} with ${hm}`);
  }
  check(cspViolations.length === 0, `no page broke the Content-Security-Policy ${cspViolations.join(' | ')}`);
  const under = report.doctors.filter((d) => !d.over_100 && d.overtime_holiday_minutes > 0);
  const listed = under.filter((d) => flat.includes(d.staff_id + d.name.replace(/\s+/g, '')));
  check(listed.length === 0, `no doctor under 100 h is in the list (${listed.map((d) => d.staff_id).join(',')})`);
}
