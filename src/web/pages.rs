//! A plain overview page of the month (the full application comes with the
//! web-application issue): one table, server-rendered, no script.

use super::{load_monthly, month_and_as_of, ApiError, MonthlyQuery};
use crate::app::App;
use crate::domain::time::format_hm;
use crate::html::escape;
use actix_web::{get, web, HttpResponse};
use std::fmt::Write;

#[get("/")]
pub(super) async fn index(app: web::Data<App>, q: web::Query<MonthlyQuery>) -> Result<HttpResponse, ApiError> {
    let (month, as_of) = month_and_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let report = load_monthly(&app, month, as_of).await?;
    let mut rows = String::new();
    for d in &report.doctors {
        let state = if d.over_155 {
            "over155"
        } else if d.over_100 {
            "over100"
        } else if d.projected_over_100 {
            "projected"
        } else if d.watch {
            "watch"
        } else {
            ""
        };
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            rows,
            "<tr class=\"{state}\"><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n><b>{}</b></td><td class=n>{}</td><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
            escape(&d.staff_id),
            escape(&d.name),
            escape(&d.level),
            format_hm(d.total_work_minutes),
            format_hm(d.overtime_minutes),
            format_hm(d.holiday_minutes),
            format_hm(d.overtime_holiday_minutes),
            format_hm(d.projected_overtime_holiday_minutes),
            date(d.reach_100_date),
            date(d.interview_deadline),
            d.open_discrepancies,
        );
    }
    let hospital = escape(&app.settings.hospital_name);
    let html = format!(
        r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>kinmu — {month} 時間外・休日労働</title>
<style>
body{{font-family:"Hiragino Sans","Noto Sans JP",sans-serif;margin:1.5rem;color:#222}}
table{{border-collapse:collapse}} th,td{{border:1px solid #bbb;padding:.3rem .6rem}} th{{background:#eee}}
td.n{{text-align:right;font-variant-numeric:tabular-nums}}
tr.watch{{background:#fff8d6}} tr.projected{{background:#ffe6c7}} tr.over100{{background:#ffd0d0}} tr.over155{{background:#f4a8a8}}
</style></head><body>
<h1>{hospital} 時間外・休日労働（{month}）</h1>
<p>基準日 {as_of}　<form style="display:inline" method="get">月 <input name="month" value="{month}" size="8"> 基準日 <input name="as_of" value="{as_of}" size="11"> <button>表示</button></form></p>
<table><thead><tr><th>職員番号</th><th>氏名</th><th>水準</th><th>総労働</th><th>時間外</th><th>休日</th><th>時間外・休日</th><th>月末見込み</th><th>100時間到達見込日</th><th>面接指導期限</th><th>未処理の乖離</th></tr></thead>
<tbody>
{rows}</tbody></table>
<p>色: 黄=注意（80時間）、橙=100時間到達見込み、赤=100時間以上、濃赤=155時間超。JSON: <a href="/api/v1/reports/monthly?month={month}&amp;as_of={as_of}">/api/v1/reports/monthly</a></p>
</body></html>"#,
        month = report.month,
        as_of = report.as_of,
    );
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html))
}
