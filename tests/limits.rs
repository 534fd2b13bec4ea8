//! Resource limits on hostile input: 100 000-deep nesting of every kind (elements, parentheses,
//! prefix operators, casts, lambdas, brackets in attributes and text, blocks, interpolation
//! holes, generic arguments, postfix chains), huge attribute values, huge numbers of attributes
//! and elements, inputs over 4 MiB. Each gives an error, never a stack overflow, and the checks
//! also run on a thread with a 256 KiB stack (what a small gateway worker thread may have).

use std::time::{Duration, Instant};

use apim_policy::expr::parser::{parse_block, parse_expression};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use apim_policy::policy::Policy;
use apim_policy::xml::{XmlLimits, parse_document};

const DEEP: usize = 100_000;
const SMALL_STACK: usize = 256 * 1024;

/// Runs `f` on a thread with a 256 KiB stack (a stack overflow aborts the test binary).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Loading `text` fails (with positioned errors) in reasonable time, on a small stack too.
fn policy_fails(what: &str, text: String) -> String {
    eprintln!("policy: {what}");
    let started = Instant::now();
    let text = std::sync::Arc::new(text);
    let t = text.clone();
    let message = on_small_stack(move || match Policy::load(&t) {
        Ok(_) => None,
        Err(e) => {
            for error in &e.errors {
                assert!(error.offset <= t.len());
            }
            Some(e.to_string())
        }
    });
    let message = message.unwrap_or_else(|| panic!("{what}: loaded"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{what}: took {:?}",
        started.elapsed()
    );
    message
}

fn policy_with_condition(condition: &str) -> String {
    format!(
        "<policies><inbound><choose><when condition=\"@({condition})\"><base/></when></choose></inbound></policies>"
    )
}

fn policy_with_body(body: &str) -> String {
    format!(
        "<policies><inbound><return-response><set-body>{body}</set-body></return-response></inbound></policies>"
    )
}

/// Parser limits without the length limit, so nesting (not length) is what stops the parser.
fn unlimited_length() -> ParseLimits {
    ParseLimits {
        max_length: usize::MAX,
        ..ParseLimits::default()
    }
}

/// An expression nested `DEEP` times: `open` repeated, `core`, `close` repeated.
fn nested(open: &str, core: &str, close: &str) -> String {
    format!("{}{core}{}", open.repeat(DEEP), close.repeat(DEEP))
}

fn expression_cases() -> Vec<(&'static str, String)> {
    vec![
        ("parentheses", nested("(", "true", ")")),
        ("not", nested("!", "true", "")),
        ("negate", nested("-", "1", "")),
        ("negate without spaces", nested("- ", "1", "")),
        ("bitwise not", nested("~", "1", "")),
        ("pre-increment", nested("++", "x", "")),
        ("casts", nested("(int)", "1", "")),
        ("lambdas", nested("c => ", "true", "")),
        ("parenthesised lambdas", nested("(c) => ", "true", "")),
        (
            "nested Any",
            nested("context.Deployment.Certificates.Any(c => ", "true", ")"),
        ),
        ("index brackets", nested("x[", "0", "]")),
        ("array creation", nested("new[] { ", "1", " }")),
        ("call arguments", nested("f(", "1", ")")),
        ("conditional chain", nested("true ? 1 : ", "2", "")),
        ("nested conditional", nested("true ? ", "1 : 2", " : 3")),
        ("assignment chain", nested("x = ", "1", "")),
        ("interpolation holes", nested("$\"{", "1", "}\"")),
        ("generic arguments", nested("default(List<", "int", ">)")),
        ("typeof generics", nested("typeof(A<", "B", ">)")),
        ("member chain", format!("x{}", ".a".repeat(DEEP))),
        ("call chain", format!("f{}", "()".repeat(DEEP))),
        ("index chain", format!("x{}", "[0]".repeat(DEEP))),
        ("null-conditional chain", format!("x{}", "?.a".repeat(DEEP))),
        ("post-increment chain", format!("x{}", "++".repeat(DEEP))),
        ("or chain", format!("{}true", "false || ".repeat(DEEP))),
        ("coalesce chain", format!("{}x", "x ?? ".repeat(DEEP))),
        ("is chain", format!("x{}", " is int".repeat(DEEP))),
        ("as chain", format!("x{}", " as string".repeat(DEEP))),
        ("unclosed parentheses", "(".repeat(DEEP)),
        ("unclosed brackets", "[".repeat(DEEP)),
        ("unclosed braces", "{".repeat(DEEP)),
        ("unclosed strings", "$\"{".repeat(DEEP)),
    ]
}

#[test]
fn deep_expressions_are_errors_not_overflows() {
    for (what, text) in expression_cases() {
        eprintln!("expression: {what}");
        let started = Instant::now();
        let result = on_small_stack(move || {
            let parsed = parse_expression(&text, &unlimited_length()).map(|_| ());
            let compiled =
                Program::compile(&text, ExpressionForm::Single, &unlimited_length()).map(|_| ());
            let default = Program::compile(&text, ExpressionForm::Single, &ParseLimits::default())
                .map(|_| ());
            (parsed.is_err(), compiled.is_err(), default.is_err())
        });
        // Chains without nesting may parse (they are deep trees built without recursion); what
        // matters is that nothing overflowed and compiling refuses them.
        assert!(result.1 && result.2, "{what}: compiled");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn deep_blocks_are_errors_not_overflows() {
    let cases = [
        ("braces", nested("{ ", ";", " }")),
        ("if", nested("if (true) ", "return 1;", "")),
        ("while", nested("while (true) ", ";", "")),
        ("foreach", nested("foreach (var x in y) ", ";", "")),
        ("try", nested("try { ", ";", " } finally { }")),
        ("lambda blocks", nested("f(x => { ", "return 1;", " });")),
        ("local functions", nested("int F() { ", "return 1;", " }")),
        ("unclosed", "{".repeat(DEEP)),
    ];
    for (what, text) in cases {
        eprintln!("block: {what}");
        let failed = on_small_stack(move || {
            let parsed = parse_block(&text, &unlimited_length()).is_err();
            let compiled =
                Program::compile(&text, ExpressionForm::Block, &unlimited_length()).is_err();
            parsed && compiled
        });
        assert!(failed, "{what}: parsed");
    }
}

#[test]
fn deep_elements_are_errors_not_overflows() {
    let cases = [
        (
            "choose/when",
            format!(
                "<policies><inbound>{}{}</inbound></policies>",
                "<choose><when condition=\"true\">".repeat(DEEP),
                "</when></choose>".repeat(DEEP)
            ),
        ),
        (
            "unknown elements",
            format!(
                "<policies><inbound>{}{}</inbound></policies>",
                "<a>".repeat(DEEP),
                "</a>".repeat(DEEP)
            ),
        ),
        (
            "unclosed elements",
            format!("<policies><inbound>{}", "<a>".repeat(DEEP)),
        ),
        (
            "return-response",
            format!(
                "<policies><inbound>{}{}</inbound></policies>",
                "<return-response>".repeat(DEEP),
                "</return-response>".repeat(DEEP)
            ),
        ),
    ];
    for (what, text) in cases {
        let message = policy_fails(what, text.clone());
        // 100 000 `<choose><when>` pairs are also over the 4 MiB size limit.
        assert!(
            message.contains("deep") || message.contains("nest") || message.contains("limit"),
            "{what}: {message}"
        );
        let xml_failed =
            on_small_stack(move || parse_document(&text, &XmlLimits::default()).is_err());
        assert!(xml_failed, "{what}: parse_document accepted it");
    }
}

#[test]
fn deep_brackets_in_attributes_and_text_are_errors() {
    for (what, text) in expression_cases() {
        // Only what fits the 4 MiB document limit with its own wrapping.
        let attr = text.replace('"', "&quot;");
        let _ = policy_fails(what, policy_with_condition(&attr));
        let body = text.replace('<', "&lt;");
        let _ = policy_fails(what, policy_with_body(&format!("@({body})")));
    }
    for (what, body) in [
        ("block braces", format!("@{{{}}}", "{".repeat(DEEP))),
        (
            "block parentheses",
            format!("@{{ return {}; }}", nested("(", "1", ")")),
        ),
        ("raw brackets in text", format!("@({})", "[(".repeat(DEEP))),
    ] {
        let _ = policy_fails(what, policy_with_body(&body));
        let _ = policy_fails(what, policy_with_condition(&body.replace('"', "&quot;")));
    }
    // `@(1)` followed by stray closers is not one expression: as a body it is literal text
    // (APIM keeps it verbatim); as a condition it is an error.
    let closers = format!("@(1{})", ")]}".repeat(DEEP));
    let body = policy_with_body(&closers);
    assert!(on_small_stack(move || Policy::load(&body).is_ok()));
    let _ = policy_fails(
        "raw closers in a condition",
        policy_with_condition(&closers),
    );
}

#[test]
fn huge_attribute_values_are_handled() {
    // Just under the document limit: a 3 MiB header name loads or fails, quickly, on a small stack.
    let name = "x".repeat(3 << 20);
    let text = format!(
        "<policies><inbound><set-header name=\"{name}\" exists-action=\"override\"><value>v</value></set-header></inbound></policies>"
    );
    let started = Instant::now();
    let _ = on_small_stack(move || Policy::load(&text).is_ok());
    assert!(started.elapsed() < Duration::from_secs(20));
    // A 3 MiB expression: over the 64 KiB expression limit.
    let message = policy_fails(
        "huge expression",
        policy_with_condition(&format!("\"{}\" == \"\"", "a".repeat(3 << 20))),
    );
    assert!(message.contains("limit"), "{message}");
    // A 3 MiB expression in text.
    let message = policy_fails(
        "huge expression in text",
        policy_with_body(&format!("@(\"{}\")", "a".repeat(3 << 20))),
    );
    assert!(message.contains("limit"), "{message}");
}

#[test]
fn huge_numbers_of_attributes_and_elements_are_errors() {
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=\"\"")).collect();
    let message = policy_fails(
        "200 000 attributes",
        format!("<policies><inbound><base{attributes}/></inbound></policies>"),
    );
    assert!(message.contains("limit of 256 attributes"), "{message}");
    let duplicated = " a=\"\"".repeat(200_000);
    let _ = policy_fails(
        "200 000 duplicate attributes",
        format!("<policies><inbound><base{duplicated}/></inbound></policies>"),
    );
    let message = policy_fails(
        "200 000 elements",
        format!(
            "<policies><inbound>{}</inbound></policies>",
            "<base/>".repeat(200_000)
        ),
    );
    assert!(
        message.contains("limit") || message.contains("many"),
        "{message}"
    );
    let _ = policy_fails(
        "200 000 comments",
        format!(
            "<policies><inbound>{}</inbound></policies>",
            "<!---->".repeat(200_000)
        ),
    );
    let _ = policy_fails(
        "100 000 conditions",
        format!(
            "<policies><inbound><choose>{}</choose></inbound></policies>",
            "<when condition=\"@(x)\"><base/></when>".repeat(100_000)
        ),
    );
}

#[test]
fn inputs_over_four_mib_are_refused() {
    for (what, text) in [
        (
            "whitespace",
            format!(
                "<policies><inbound>{}</inbound></policies>",
                " ".repeat(4 << 20)
            ),
        ),
        (
            "a comment",
            format!("<policies><!--{}--></policies>", "x".repeat(4 << 20)),
        ),
        ("an attribute", policy_with_condition(&"a".repeat(4 << 20))),
        ("text", policy_with_body(&"é".repeat(2 << 20))),
    ] {
        let message = policy_fails(what, text.clone());
        assert!(message.contains("limit"), "{what}: {message}");
        let e = parse_document(&text, &XmlLimits::default()).unwrap_err();
        assert!(e.to_string().contains("limit"), "{what}: {e}");
    }
    // The expression parser refuses long texts before tokenizing them.
    let text = "1 + ".repeat(1 << 20);
    let e = parse_expression(&text, &ParseLimits::default()).unwrap_err();
    assert!(e.message.contains("limit"), "{}", e.message);
}

// ---- Limits as configuration: lowered limits trip with a typed error or a .NET exception;
// ---- the defaults let normal policies run.

mod common;

use apim_policy::context::Context;
use apim_policy::expr::EvaluationLimits;
use apim_policy::xml::XmlErrorKind;

fn limited(limits: EvaluationLimits) -> Context {
    common::context(common::main_chain(true).build().unwrap(), Some("good")).with_limits(limits)
}

const SUM_LOOP: &str = "int n = 0; for (int i = 0; i < 50; i = i + 1) { n = n + i; } return n;";
const DOUBLING: &str =
    "string s = \"ab\"; for (int i = 0; i < 10; i = i + 1) { s = s + s; } return s.Length;";

#[test]
fn evaluation_limits_default_to_the_documented_values() {
    let limits = EvaluationLimits::default();
    assert_eq!(limits.max_steps, 100_000);
    assert_eq!(limits.max_string_length, 1 << 24);
    assert_eq!(
        *Context::new(std::sync::Arc::new(
            common::main_chain(false).build().unwrap()
        ))
        .limits(),
        limits
    );
}

#[test]
fn a_lowered_step_limit_throws_invalid_operation() {
    let default = limited(EvaluationLimits::default());
    assert_eq!(
        common::evaluate(SUM_LOOP, ExpressionForm::Block, &default),
        Ok("1225".to_owned())
    );
    let low = limited(EvaluationLimits {
        max_steps: 10,
        ..EvaluationLimits::default()
    });
    let error = common::evaluate(SUM_LOOP, ExpressionForm::Block, &low).unwrap_err();
    assert!(
        error.starts_with("System.InvalidOperationException: "),
        "{error}"
    );
    assert!(error.contains("limit of 10 loop iterations"), "{error}");
    // Lambda calls count too: three deployment certificates, a budget of two.
    let text = "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == \"none\")";
    let mut deployment = common::main_chain(true);
    for (i, name) in ["root", "intermediate", "good"].iter().enumerate() {
        deployment = deployment.certificate(format!("c{i}"), common::cert(name));
    }
    let context = common::context(deployment.build().unwrap(), Some("good"));
    assert_eq!(
        common::evaluate(text, ExpressionForm::Single, &context),
        Ok("False".to_owned())
    );
    let context = context.with_limits(EvaluationLimits {
        max_steps: 2,
        ..EvaluationLimits::default()
    });
    let error = common::evaluate(text, ExpressionForm::Single, &context).unwrap_err();
    assert!(
        error.starts_with("System.InvalidOperationException: "),
        "{error}"
    );
}

#[test]
fn a_lowered_string_limit_throws_out_of_memory() {
    let default = limited(EvaluationLimits::default());
    assert_eq!(
        common::evaluate(DOUBLING, ExpressionForm::Block, &default),
        Ok("2048".to_owned())
    );
    let low = limited(EvaluationLimits {
        max_string_length: 1000,
        ..EvaluationLimits::default()
    });
    assert_eq!(
        common::evaluate(DOUBLING, ExpressionForm::Block, &low),
        Err("System.OutOfMemoryException: Insufficient memory to continue the execution of the program.".to_owned())
    );
    // Exactly at the limit is fine; interpolation is limited too.
    let exact = limited(EvaluationLimits {
        max_string_length: 2048,
        ..EvaluationLimits::default()
    });
    assert_eq!(
        common::evaluate(DOUBLING, ExpressionForm::Block, &exact),
        Ok("2048".to_owned())
    );
    let error = common::evaluate(
        "$\"{\"abc\"}{\"def\"}\"",
        ExpressionForm::Single,
        &limited(EvaluationLimits {
            max_string_length: 5,
            ..EvaluationLimits::default()
        }),
    )
    .unwrap_err();
    assert!(
        error.starts_with("System.OutOfMemoryException: "),
        "{error}"
    );
}

#[test]
fn doubling_a_string_forever_stops_at_the_default_limit() {
    let text = "string s = \"x\"; while (true) { s = s + s; } return s;";
    let error = common::evaluate(
        text,
        ExpressionForm::Block,
        &limited(EvaluationLimits::default()),
    )
    .unwrap_err();
    assert!(
        error.starts_with("System.OutOfMemoryException: "),
        "{error}"
    );
}

#[test]
fn the_attribute_limit_is_configurable() {
    let text =
        "<policies><inbound><base a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\"/></inbound></policies>";
    assert!(parse_document(text, &XmlLimits::default()).is_ok());
    let low = XmlLimits {
        max_attributes: 4,
        ..XmlLimits::default()
    };
    let error = parse_document(text, &low).unwrap_err();
    assert_eq!(error.kind, XmlErrorKind::TooManyAttributes);
    assert!(
        error.message.contains("limit of 4 attributes"),
        "{}",
        error.message
    );
    // Through policy loading too.
    let options = apim_policy::policy::LoadOptions {
        xml: low,
        ..Default::default()
    };
    let error = Policy::load_with(text, &options).unwrap_err().to_string();
    assert!(error.contains("limit of 4 attributes"), "{error}");
    // A raised limit still stops at the hard cap of 4096.
    let raised = XmlLimits {
        max_attributes: u32::MAX,
        ..XmlLimits::default()
    };
    let attributes: String = (0..5000).map(|i| format!(" a{i}=\"\"")).collect();
    let text = format!("<policies><inbound><base{attributes}/></inbound></policies>");
    assert_eq!(
        parse_document(&text, &raised).unwrap_err().kind,
        XmlErrorKind::TooManyAttributes
    );
    let attributes: String = (0..300).map(|i| format!(" a{i}=\"\"")).collect();
    let text = format!("<a{attributes}/>");
    assert!(parse_document(&text, &raised).is_ok());
    assert_eq!(
        parse_document(&text, &XmlLimits::default())
            .unwrap_err()
            .kind,
        XmlErrorKind::TooManyAttributes
    );
}
