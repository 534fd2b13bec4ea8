//! The real mistakes found in public policy samples (spec real-world-usage.md, last list), each
//! rejected at load with the position a policy author needs, as APIM rejects them at save time.

use apim_policy::policy::Policy;

/// Loads `text` and returns the first error's `line:column` and message.
fn first_error(text: &str) -> (u32, u32, String) {
    let errors = Policy::load(text).expect_err("must not load").errors;
    let e = &errors[0];
    (e.position.line, e.position.column, e.message.clone())
}

fn policy(condition: &str) -> String {
    format!(
        "<policies>\n  <inbound>\n    <choose>\n      <when condition=\"{condition}\">\n        <base />\n      </when>\n    </choose>\n  </inbound>\n</policies>"
    )
}

/// Column (1-based) of `needle` in line 4 of `policy(condition)`.
fn column_of(condition: &str, needle: &str) -> u32 {
    let line = format!("      <when condition=\"{condition}\">");
    u32::try_from(line.find(needle).unwrap() + 1).unwrap()
}

#[test]
fn unbalanced_parentheses() {
    let condition = "@(context.Request.Headers.ContainsKey(\"x\")";
    let (line, column, message) = first_error(&policy(condition));
    assert_eq!(line, 4);
    assert!(column >= column_of(condition, "@("), "{column}: {message}");
    assert!(!message.is_empty());
}

#[test]
fn a_stray_quote_after_the_closing_parenthesis() {
    let text = "<policies>\n  <inbound>\n    <choose>\n      <when condition=\"@(context.Request.Method == \"GET\")\")\">\n        <base />\n      </when>\n    </choose>\n  </inbound>\n</policies>";
    let (line, _, message) = first_error(text);
    assert_eq!(line, 4, "{message}");
}

#[test]
fn request_without_context() {
    let condition = "@(request.Headers.ContainsKey(&quot;x&quot;))";
    let (line, column, message) = first_error(&policy(condition));
    assert_eq!((line, column), (4, column_of(condition, "request")));
    assert_eq!(
        message,
        "The name 'request' does not exist in the current context"
    );
}

#[test]
fn matched_parameters_called_as_a_method() {
    let condition = "@(context.Request.MatchedParameters(&quot;id&quot;) == &quot;1&quot;)";
    let (line, column, message) = first_error(&policy(condition));
    assert_eq!(
        (line, column),
        (4, column_of(condition, "MatchedParameters"))
    );
    assert_eq!(
        message,
        "Non-invocable member 'MatchedParameters' cannot be used like a method"
    );
}

#[test]
fn an_em_dash_comment() {
    let text = "<policies>\n  <inbound>\n    <!— not a comment —>\n    <base />\n  </inbound>\n</policies>";
    let (line, column, _) = first_error(text);
    assert_eq!((line, column), (3, 5));
}
