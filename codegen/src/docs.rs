// TEMPORARY placeholder until the docs module lands (overwritten).
pub fn html_to_markdown(html: &str) -> String { html.replace(['<', '>', '[', ']', '*', '_', '`'], " ").split_whitespace().collect::<Vec<_>>().join(" ") }
pub fn summary(html: &str) -> String { html_to_markdown(html) }
