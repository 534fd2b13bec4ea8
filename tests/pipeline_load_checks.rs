//! APIM's save-time checks: a policy where its reference page does not allow it, unknown and
//! missing attributes, expressions where APIM forbids them, `choose` structure, unknown
//! elements — each reported at the line:column of the offending text (spec §1.1, §2, §2.6).

use apim_policy::diagnostic::Position;
use apim_policy::policy::Policy;

/// The line:column of the `nth` (0-based) occurrence of `needle` in `text`, plus `skip` bytes.
fn at(text: &str, needle: &str, nth: usize, skip: usize) -> Position {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not in {text}"))
        .0
        + skip;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    Position {
        line: u32::try_from(line).unwrap(),
        column: u32::try_from(column).unwrap(),
    }
}

/// Loads `text`, expects it to fail, and checks an error with `message` at `position`.
fn refused(text: &str, position: Position, message: &str) {
    let errors = Policy::load(text).unwrap_err();
    assert!(
        errors
            .errors
            .iter()
            .any(|e| e.position == position && e.message.contains(message)),
        "expected {position}: {message}\ngot:\n{errors}\nin:\n{text}"
    );
}

fn section(name: &str, body: &str) -> String {
    format!("<policies>\n  <{name}>\n    {body}\n  </{name}>\n</policies>")
}

#[test]
fn policies_outside_their_sections() {
    let cases = [
        (
            "outbound",
            r#"<rewrite-uri template="/x" />"#,
            "rewrite-uri",
        ),
        (
            "backend",
            "<validate-client-certificate />",
            "validate-client-certificate",
        ),
        (
            "outbound",
            "<check-header name=\"a\" failed-check-httpcode=\"401\" failed-check-error-message=\"m\" ignore-case=\"true\" />",
            "check-header",
        ),
        ("on-error", "<ip-filter action=\"allow\" />", "ip-filter"),
        ("inbound", "<forward-request />", "forward-request"),
        ("on-error", "<set-body>x</set-body>", "set-body"),
        ("outbound", "<set-method>GET</set-method>", "set-method"),
        ("backend", "<mock-response />", "mock-response"),
        (
            "outbound",
            "<set-query-parameter name=\"a\" />",
            "set-query-parameter",
        ),
        (
            "inbound",
            "<jsonp callback-parameter-name=\"cb\" />",
            "jsonp",
        ),
    ];
    for (name, body, policy) in cases {
        let text = section(name, body);
        refused(
            &text,
            at(&text, policy, 0, 0),
            &format!("<{policy}> is not allowed in the {name} section"),
        );
    }
    // Inside choose the section still applies.
    let text = section(
        "outbound",
        "<choose><when condition=\"true\"><rewrite-uri template=\"/x\" /></when></choose>",
    );
    refused(
        &text,
        at(&text, "rewrite-uri", 0, 0),
        "not allowed in the outbound section",
    );
    // set-body is fine inside return-response in on-error.
    Policy::load(&section(
        "on-error",
        "<return-response><set-body>x</set-body></return-response>",
    ))
    .unwrap();
}

#[test]
fn unknown_and_missing_attributes() {
    let text = section(
        "inbound",
        r#"<set-header nme="X-A" exists-action="override" />"#,
    );
    refused(
        &text,
        at(&text, "nme", 0, 0),
        "<set-header> has no attribute 'nme'",
    );
    refused(
        &text,
        at(&text, "<set-header", 0, 0),
        "requires the attribute 'name'",
    );

    let text = section("inbound", r#"<set-variable name="x" />"#);
    refused(
        &text,
        at(&text, "<set-variable", 0, 0),
        "requires the attribute 'value'",
    );

    let text = section("inbound", r#"<set-status reason="x" />"#);
    refused(
        &text,
        at(&text, "<set-status", 0, 0),
        "requires the attribute 'code'",
    );

    let text = section("inbound", r#"<rewrite-uri />"#);
    refused(
        &text,
        at(&text, "<rewrite-uri", 0, 0),
        "requires the attribute 'template'",
    );

    let text = section(
        "inbound",
        r#"<ip-filter><address>1.2.3.4</address></ip-filter>"#,
    );
    refused(
        &text,
        at(&text, "<ip-filter", 0, 0),
        "requires the attribute 'action'",
    );

    let text = section("inbound", r#"<trace><message>m</message></trace>"#);
    refused(
        &text,
        at(&text, "<trace", 0, 0),
        "requires the attribute 'source'",
    );

    let text = section(
        "inbound",
        r#"<return-response colour="red"><set-status code="200" reason="OK" /></return-response>"#,
    );
    refused(
        &text,
        at(&text, "colour", 0, 0),
        "<return-response> has no attribute 'colour'",
    );

    let text = section(
        "inbound",
        r#"<choose><when condition="true" colour="red" /></choose>"#,
    );
    refused(
        &text,
        at(&text, "colour", 0, 0),
        "has no attribute 'colour'",
    );

    let text = section(
        "inbound",
        r#"<choose><when><set-method>GET</set-method></when></choose>"#,
    );
    refused(
        &text,
        at(&text, "<when", 0, 0),
        "<when> requires the attribute 'condition'",
    );

    let text = "<policies colour=\"red\">\n  <inbound sorted=\"yes\" />\n</policies>";
    refused(
        text,
        at(text, "colour", 0, 0),
        "<policies> has no attribute 'colour'",
    );
    refused(
        text,
        at(text, "sorted", 0, 0),
        "<inbound> has no attribute 'sorted'",
    );
}

#[test]
fn bad_attribute_values() {
    let text = section("inbound", r#"<set-status code="abc" reason="x" />"#);
    refused(
        &text,
        at(&text, "abc", 0, 0),
        "'abc' is not a valid HTTP status code",
    );
    let text = section("inbound", r#"<set-status code="@("200")" reason="x" />"#);
    refused(&text, at(&text, "\"200\"", 0, 0), "'int' is required");
    let text = section(
        "inbound",
        r#"<choose><when condition="@("yes")" /></choose>"#,
    );
    refused(&text, at(&text, "\"yes\"", 0, 0), "'bool' is required");
    let text = section("inbound", r#"<choose><when condition="maybe" /></choose>"#);
    refused(
        &text,
        at(&text, "maybe", 0, 0),
        "condition must be a Boolean",
    );
    let text = section(
        "inbound",
        r#"<set-header name="a" exists-action="replace" />"#,
    );
    refused(&text, at(&text, "replace", 0, 0), "exists-action must be");
    let text = section("inbound", r#"<ip-filter action="deny" />"#);
    refused(
        &text,
        at(&text, "deny", 0, 0),
        "action must be allow or forbid",
    );
    let text = section(
        "inbound",
        r#"<ip-filter action="allow"><address>1.2.3</address></ip-filter>"#,
    );
    refused(
        &text,
        at(&text, "1.2.3", 0, 0),
        "'1.2.3' is not an IP address",
    );
    let text = section(
        "inbound",
        r#"<ip-filter action="allow"><address-range from="1.2.3.4" to="::1" /></ip-filter>"#,
    );
    refused(
        &text,
        at(&text, "<address-range", 0, 0),
        "cannot mix IPv4 and IPv6",
    );
    let text = section("inbound", r#"<mock-response status-code="2000" />"#);
    refused(
        &text,
        at(&text, "2000", 0, 0),
        "not a valid HTTP status code",
    );
    let text = section(
        "inbound",
        r#"<rewrite-uri template="/x" copy-unmatched-params="yes" />"#,
    );
    refused(&text, at(&text, "yes", 0, 0), "must be true or false");
    let text = section(
        "inbound",
        r#"<check-header name="a" failed-check-httpcode="forbidden" failed-check-error-message="m" ignore-case="true" />"#,
    );
    refused(
        &text,
        at(&text, "forbidden", 0, 0),
        "not a valid HTTP status code",
    );
    let text = section(
        "inbound",
        r#"<check-header name="a" failed-check-httpcode="401" failed-check-error-message="m" ignore-case="yes" />"#,
    );
    refused(
        &text,
        at(&text, "yes", 0, 0),
        "'ignore-case' must be true or false",
    );
    let text = section(
        "inbound",
        r#"<trace source="s" severity="loud"><message>m</message></trace>"#,
    );
    refused(&text, at(&text, "loud", 0, 0), "severity must be");
}

#[test]
fn expressions_where_apim_forbids_them() {
    let cases = [
        r#"<validate-client-certificate validate-revocation="@(false)" />"#,
        r#"<validate-client-certificate ignore-error="@(true)" />"#,
        r#"<set-variable name="@("x")" value="y" />"#,
        r#"<include-fragment fragment-id="@("f")" />"#,
        r#"<mock-response status-code="@(200)" />"#,
        r#"<mock-response content-type="@("text/plain")" />"#,
        r#"<return-response response-variable-name="@("r")" />"#,
        r#"<trace source="@("s")"><message>m</message></trace>"#,
    ];
    for body in cases {
        let text = section("inbound", body);
        refused(
            &text,
            at(&text, "@(", 0, 0),
            "policy expressions are not allowed in '",
        );
    }
}

#[test]
fn choose_structure() {
    let text = section("inbound", "<choose>\n      <otherwise />\n    </choose>");
    refused(&text, at(&text, "<choose", 0, 0), "at least one <when>");
    let text = section("inbound", "<choose />");
    refused(&text, at(&text, "<choose", 0, 0), "at least one <when>");
    let text = section(
        "inbound",
        "<choose>\n      <when condition=\"true\" />\n      <otherwise />\n      <otherwise />\n    </choose>",
    );
    refused(&text, at(&text, "<otherwise", 1, 0), "only one <otherwise>");
    let text = section(
        "inbound",
        "<choose>\n      <otherwise />\n      <when condition=\"true\" />\n    </choose>",
    );
    refused(
        &text,
        at(&text, "<when", 0, 0),
        "<when> must come before <otherwise>",
    );
    let text = section(
        "inbound",
        "<choose>\n      <when condition=\"true\" />\n      <set-method>GET</set-method>\n    </choose>",
    );
    refused(
        &text,
        at(&text, "<set-method", 0, 0),
        "only <when> and <otherwise>",
    );
    let text = section(
        "inbound",
        "<choose>\n      <when condition=\"true\" />\n      text\n    </choose>",
    );
    refused(&text, at(&text, "text", 0, 0), "text is not allowed here");
}

#[test]
fn unknown_elements() {
    let text = section("inbound", "<set-headers name=\"a\" />");
    refused(
        &text,
        at(&text, "set-headers", 0, 0),
        "unknown policy <set-headers>",
    );
    let text = "<policies>\n  <inbund />\n</policies>";
    refused(
        text,
        at(text, "<inbund", 0, 0),
        "<inbund> is not a policy section",
    );
    let text = "<policy>\n</policy>";
    refused(
        text,
        at(text, "<policy", 0, 0),
        "the root element must be <policies>",
    );
    let text = "<policies>\n  <inbound />\n  <inbound />\n</policies>";
    refused(
        text,
        at(text, "<inbound", 1, 0),
        "<inbound> appears more than once",
    );
    let text = section(
        "inbound",
        "<return-response><set-method>GET</set-method></return-response>",
    );
    refused(
        &text,
        at(&text, "<set-method", 0, 0),
        "can contain only <set-status>, <set-header> and <set-body>",
    );
    let text = section(
        "inbound",
        "<set-header name=\"a\"><values>1</values></set-header>",
    );
    refused(
        &text,
        at(&text, "<values", 0, 0),
        "can contain only <value>",
    );
    let text = section(
        "inbound",
        "<set-variable name=\"a\" value=\"b\"><value>1</value></set-variable>",
    );
    refused(
        &text,
        at(&text, "<value>", 0, 0),
        "<set-variable> cannot contain <value>",
    );
    let text = section("inbound", "<base><set-method>GET</set-method></base>");
    refused(
        &text,
        at(&text, "<set-method", 0, 0),
        "<base> cannot contain <set-method>",
    );
}

#[test]
fn every_error_is_reported_in_document_order() {
    let text = "<policies>\n  <inbound>\n    <bogus />\n    <set-variable name=\"x\" />\n  </inbound>\n  <outbound>\n    <rewrite-uri template=\"/\" />\n  </outbound>\n</policies>";
    let errors = Policy::load(text).unwrap_err().errors;
    let positions: Vec<Position> = errors.iter().map(|e| e.position).collect();
    assert_eq!(
        positions,
        vec![
            at(text, "bogus", 0, 0),
            at(text, "<set-variable", 0, 0),
            at(text, "rewrite-uri", 0, 0),
        ],
        "{errors:?}"
    );
}

#[test]
fn an_expression_error_points_inside_the_expression() {
    let text = section(
        "inbound",
        "<set-header name=\"X\" exists-action=\"override\">\n      <value>@(context.Request.Headers.GetValueOrDefault(\"a\", \"\").Lenght)</value>\n    </set-header>",
    );
    refused(
        &text,
        at(&text, "Lenght", 0, 0),
        "'string' does not contain a definition for 'Lenght'",
    );
}
