//! Interpolated strings `$"..."` and `$@"..."`: holes, alignment, format strings, escapes, as C#
//! composes them.

use std::sync::Arc;

use apim_policy::context::{Context, Deployment};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program, Value};

fn eval(expression: &str) -> Result<String, String> {
    let program = Program::compile(expression, ExpressionForm::Single, &ParseLimits::default())
        .map_err(|e| format!("load: {}", e.message))?;
    let context = Context::new(Arc::new(Deployment::new()))
        .with_variable("name", Value::String(Arc::from("contoso")))
        .with_variable("n", Value::Int(7));
    program
        .evaluate(&context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

#[test]
fn interpolation_composes_as_csharp_does() {
    let cases = [
        (
            r#"$"Hello {(string)context.Variables["name"]}!""#,
            "Hello contoso!",
        ),
        (r#"$"{1 + 2} and {true}""#, "3 and True"),
        (r#"$"[{(int)context.Variables["n"],4}]""#, "[   7]"),
        (r#"$"[{(int)context.Variables["n"],-4}]""#, "[7   ]"),
        (r#"$"{(int)context.Variables["n"]:D3}""#, "007"),
        (r#"$"{255:X}""#, "FF"),
        (r#"$"{1.5:F2}""#, "1.50"),
        (
            r#"$"{DateTime.Parse("2030-01-31T14:05:09"):yyyy-MM-dd}""#,
            "2030-01-31",
        ),
        (
            r#"$"{{literal}} {context.Request.Method}""#,
            "{literal} GET",
        ),
        (r#"$"{null}|""#, "|"),
        (
            r#"$@"C:\path\{(string)context.Variables["name"]}""#,
            r"C:\path\contoso",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(eval(expression).as_deref(), Ok(expected), "{expression}");
    }
    assert!(
        eval(r#"$"{context.Trace("x")}""#)
            .unwrap_err()
            .contains("void")
    );
}
