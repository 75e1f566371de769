//! The body of every mail: written once as a list of [`Block`]s and
//! rendered twice — plain text and a minimal inline-styled HTML — so the two
//! never drift apart and every interpolated value goes through one HTML
//! escape; the link to kinmu, the footer and the English line close both.

use crate::html::escape;
use crate::monitor::mailer::Mail;

/// One piece of a mail body.
pub(super) enum Block {
    /// A paragraph; `\n` breaks lines.
    Para(String),
    /// An emphasised one-line paragraph (a deadline, a duty).
    Strong(String),
    /// Label / value rows.
    Facts(Vec<(&'static str, String)>),
    /// A numbered list.
    List(Vec<String>),
}

/// A mail body, rendered as plain text and as HTML.
pub(super) struct Doc<'a> {
    pub(super) hospital: &'a str,
    pub(super) base_url: &'a str,
    pub(super) salutation: String,
    pub(super) blocks: Vec<Block>,
    /// The short English line at the very end.
    pub(super) english: String,
}

impl Doc<'_> {
    pub(super) fn into_mail(self, to: &str, subject: String) -> Mail {
        Mail {
            to: to.to_string(),
            text: self.text(),
            html: self.html(&subject),
            subject,
            ics: None,
        }
    }

    fn link(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }

    fn footer(&self) -> String {
        format!(
            "このメールは {} の勤務時間管理システム kinmu から自動送信しています。",
            self.hospital
        )
    }

    fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.salutation);
        for block in &self.blocks {
            match block {
                Block::Para(p) => out.push_str(p),
                Block::Strong(s) => {
                    out.push_str("■ ");
                    out.push_str(s);
                }
                Block::Facts(rows) => {
                    let lines: Vec<String> = rows.iter().map(|(k, v)| format!("  {k}：{v}")).collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::List(items) => {
                    let lines: Vec<String> = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| format!("  {}. {item}", i + 1))
                        .collect();
                    out.push_str(&lines.join("\n"));
                }
            }
            out.push_str("\n\n");
        }
        out.push_str(&format!("kinmu：{}\n\n", self.link()));
        out.push_str("--\n");
        out.push_str(&self.footer());
        out.push('\n');
        out.push_str(&self.english);
        out.push('\n');
        out
    }

    fn html(&self, subject: &str) -> String {
        let br = |s: &str| escape(s).replace('\n', "<br>\n");
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"ja\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
             <body style=\"font-family:'Hiragino Sans','Meiryo',sans-serif;font-size:14px;line-height:1.7;color:#222;\">\n\
             <p>{}</p>\n",
            escape(subject),
            escape(&self.salutation)
        );
        for block in &self.blocks {
            match block {
                Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", br(p))),
                Block::Strong(s) => {
                    out.push_str(&format!("<p style=\"font-weight:bold;color:#b00020;\">{}</p>\n", br(s)))
                }
                Block::Facts(rows) => {
                    out.push_str("<table style=\"border-collapse:collapse;margin:8px 0;\">\n");
                    for (k, v) in rows {
                        out.push_str(&format!(
                            "<tr><th style=\"text-align:left;font-weight:normal;color:#555;padding:2px 16px 2px 0;\">{}</th>\
                             <td style=\"padding:2px 0;\">{}</td></tr>\n",
                            escape(k),
                            escape(v)
                        ));
                    }
                    out.push_str("</table>\n");
                }
                Block::List(items) => {
                    out.push_str("<ol style=\"margin:8px 0;\">\n");
                    for item in items {
                        out.push_str(&format!("<li>{}</li>\n", escape(item)));
                    }
                    out.push_str("</ol>\n");
                }
            }
        }
        out.push_str(&format!(
            "<p><a href=\"{}\" style=\"color:#0b57d0;\">kinmu を開く</a></p>\n\
             <hr style=\"border:none;border-top:1px solid #ddd;\">\n\
             <p style=\"font-size:12px;color:#666;\">{}<br>\n{}</p>\n</body>\n</html>\n",
            escape(&self.link()),
            escape(&self.footer()),
            escape(&self.english)
        ));
        out
    }
}
