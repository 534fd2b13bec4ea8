//! LINQ to XML in expressions: `XDocument.Parse`, `Body.As<XDocument>()`, navigation
//! (`Root`, `Element`, `Elements`, `Descendants`, `Attribute`), names and namespaces, `Value`,
//! explicit conversions, LINQ over elements, and `ToString()` as .NET writes it
//! (`SaveOptions.None`: indented two spaces, no declaration). Hostile XML (entity expansion,
//! deep nesting) is an `XmlException`, never a hang or a crash.

mod common;

use std::sync::Arc;

use apim_policy::context::{Body, Context, Deployment, Request};
use apim_policy::expr::ExpressionForm;

const ORDER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<order id="42" xmlns:x="urn:extra">
  <customer vip="true">Contoso</customer>
  <line sku="A" qty="2"><price>1.50</price></line>
  <line sku="B" qty="1"><price>10</price></line>
  <x:note>rush</x:note>
</order>"#;

fn with_body(text: &str, body: &str, form: ExpressionForm) -> Result<String, String> {
    let request = Request {
        method: "POST".to_owned(),
        body: Some(Body::new(body.as_bytes().to_vec())),
        ..Request::default()
    };
    let context = Context::new(Arc::new(Deployment::new())).with_request(request);
    common::evaluate(text, form, &context)
}

fn run(expression: &str) -> Result<String, String> {
    with_body(expression, ORDER, ExpressionForm::Single)
}

const DOC: &str = "context.Request.Body.As<XDocument>(preserveContent: true)";

#[test]
fn documents_read_as_linq_to_xml_gives_them() {
    let cases = [
        (
            r#"XDocument.Parse("<a><b>1</b></a>").Root.Element("b").Value"#.to_owned(),
            "1",
        ),
        (
            r#"XElement.Parse("<a><b>1</b></a>").Element("b").Value"#.to_owned(),
            "1",
        ),
        (
            r#"XDocument.Parse("<a>x<b>y</b>z</a>").Root.Value"#.to_owned(),
            "xyz",
        ),
        (r#"XDocument.Parse("<a/>").Root.Value"#.to_owned(), ""),
        (format!("{DOC}.Root.Name"), "order"),
        (format!("{DOC}.Root.Name.LocalName"), "order"),
        (format!("{DOC}.Root.Attribute(\"id\").Value"), "42"),
        (
            format!("{DOC}.Root.Attribute(\"missing\")?.Value ?? \"none\""),
            "none",
        ),
        (format!("{DOC}.Root.Element(\"customer\").Value"), "Contoso"),
        (
            format!("(bool){DOC}.Root.Element(\"customer\").Attribute(\"vip\")"),
            "True",
        ),
        (format!("{DOC}.Root.Elements().Count()"), "4"),
        (format!("{DOC}.Root.Elements(\"line\").Count()"), "2"),
        (format!("{DOC}.Descendants(\"price\").Count()"), "2"),
        (format!("{DOC}.Root.Descendants().Count()"), "6"),
        (format!("{DOC}.Root.Element(\"missing\") == null"), "True"),
        (
            format!("(string){DOC}.Root.Element(\"missing\") ?? \"default\""),
            "default",
        ),
        (format!("(int){DOC}.Root.Attribute(\"id\") + 1"), "43"),
        (
            format!("(decimal){DOC}.Descendants(\"price\").First() * 2"),
            "3.00",
        ),
        (
            format!(
                "{DOC}.Root.Elements(\"line\").Where(l => (int)l.Attribute(\"qty\") > 1).First().Attribute(\"sku\").Value"
            ),
            "A",
        ),
        (
            format!("{DOC}.Root.Elements(\"line\").Select(l => l.Attribute(\"sku\").Value).Last()"),
            "B",
        ),
        (
            format!("{DOC}.Root.Elements(\"line\").Any(l => l.Element(\"price\").Value == \"10\")"),
            "True",
        ),
        (
            format!("{DOC}.Root.Elements().First().Name == \"customer\""),
            "True",
        ),
        (
            format!("{DOC}.Descendants(\"price\").Sum(p => (decimal)p)"),
            "11.50",
        ),
        (
            format!("{DOC}.Descendants(\"price\").Select(p => (decimal)p).Max()"),
            "10",
        ),
        (
            format!(
                "{DOC}.Descendants(\"price\").OrderByDescending(p => (decimal)p).First().Value"
            ),
            "10",
        ),
        (
            format!("{DOC}.Descendants(\"price\").Select(p => (decimal)p).Contains(1.5m)"),
            "True",
        ),
        (format!("{DOC}.Root.HasElements"), "True"),
        (
            format!("{DOC}.Root.Element(\"customer\").HasAttributes"),
            "True",
        ),
        (format!("{DOC}.Root.Attributes().Count()"), "2"),
        (
            format!("{DOC}.Root.Attributes().Last().IsNamespaceDeclaration"),
            "True",
        ),
        (
            format!("{DOC}.Root.Attribute(\"id\").ToString()"),
            "id=\"42\"",
        ),
        (
            format!("{DOC}.Root.Element(\"customer\").ToString()"),
            "<customer vip=\"true\">Contoso</customer>",
        ),
        (
            format!("{DOC}.Root.Elements().Last().Name.NamespaceName"),
            "urn:extra",
        ),
        (
            format!("{DOC}.Root.Elements().Last().Name"),
            "{urn:extra}note",
        ),
        (
            format!("{DOC}.Root.Element(\"{{urn:extra}}note\").Value"),
            "rush",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            run(&expression),
            Ok(expected.to_owned()),
            "expression: {expression}"
        );
    }
}

#[test]
fn namespaces_build_names() {
    let xml = r#"<r xmlns="urn:x" xmlns:p="urn:p"><b>7</b><p:c>8</p:c></r>"#;
    let cases = [
        (
            "XNamespace ns = \"urn:x\"; var root = context.Request.Body.As<XDocument>().Root; return root.Element(ns + \"b\").Value;",
            "7",
        ),
        (
            "XNamespace p = \"urn:p\"; return context.Request.Body.As<XDocument>().Root.Element(p + \"c\").Value;",
            "8",
        ),
        (
            "var root = context.Request.Body.As<XDocument>().Root; return root.Element(root.Name.Namespace + \"b\").Value;",
            "7",
        ),
        (
            "var root = context.Request.Body.As<XDocument>().Root; return root.Element(\"b\") == null;",
            "True",
        ),
        (
            "XNamespace ns = \"urn:x\"; return (ns + \"b\").ToString();",
            "{urn:x}b",
        ),
        (
            "XNamespace ns = \"urn:x\"; XName n = ns + \"b\"; return n.LocalName + \"|\" + n.NamespaceName;",
            "b|urn:x",
        ),
    ];
    for (block, expected) in cases {
        assert_eq!(
            with_body(block, xml, ExpressionForm::Block),
            Ok(expected.to_owned()),
            "block: {block}"
        );
    }
}

#[test]
fn to_string_indents_as_dotnet_does() {
    // XNode.ToString(): SaveOptions.None indents with two spaces, writes empty elements as
    // `<a />`, keeps text-holding (mixed) content on one line, and omits the declaration.
    let cases = [
        (
            r#"XDocument.Parse("<a><b>1</b><c x='2'/></a>").ToString()"#,
            "<a>\n  <b>1</b>\n  <c x=\"2\" />\n</a>",
        ),
        (
            r#"XDocument.Parse("<?xml version='1.0'?><!--c--><a><!--in--><b/></a>").ToString()"#,
            "<!--c-->\n<a>\n  <!--in-->\n  <b />\n</a>",
        ),
        (
            r#"XDocument.Parse("<r xmlns:p='urn:x'><p:b>7</p:b><c>mixed <d>x</d> text</c></r>").ToString()"#,
            "<r xmlns:p=\"urn:x\">\n  <p:b>7</p:b>\n  <c>mixed <d>x</d> text</c>\n</r>",
        ),
        (
            r#"XDocument.Parse("<a x='&quot;&lt;'>1 &amp; 2 &gt; 0</a>").ToString()"#,
            "<a x=\"&quot;&lt;\">1 &amp; 2 &gt; 0</a>",
        ),
        (
            r#"XElement.Parse("<a>\n   <b>\n <c/> </b>\n</a>").ToString()"#,
            "<a>\n  <b>\n    <c />\n  </b>\n</a>",
        ),
        (
            r#"XDocument.Parse("<a><![CDATA[x<y]]></a>").Root.Value"#,
            "x<y",
        ),
        (r#""" + XDocument.Parse("<a/>")"#, "<a />"),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Ok(expected.to_owned()),
            "expression: {expression}"
        );
    }
    assert_eq!(
        run(&format!("{DOC}.ToString()")),
        Ok("<order id=\"42\" xmlns:x=\"urn:extra\">\n  <customer vip=\"true\">Contoso</customer>\n  <line sku=\"A\" qty=\"2\">\n    <price>1.50</price>\n  </line>\n  <line sku=\"B\" qty=\"1\">\n    <price>10</price>\n  </line>\n  <x:note>rush</x:note>\n</order>".to_owned())
    );
}

#[test]
fn bad_and_hostile_xml_throw_xml_exceptions() {
    let error = |expression: &str| run(expression).unwrap_err();
    assert!(error(r#"XDocument.Parse("<a>")"#).starts_with("System.Xml.XmlException: "));
    assert!(error(r#"XDocument.Parse("")"#).starts_with("System.Xml.XmlException: "));
    assert!(error(r#"XDocument.Parse("<a></b>")"#).starts_with("System.Xml.XmlException: "));
    assert!(error(r#"XDocument.Parse("<a/><b/>")"#).starts_with("System.Xml.XmlException: "));
    assert_eq!(
        run("XDocument.Parse(null)"),
        Err("System.ArgumentNullException: Value cannot be null. (Parameter 'text')".to_owned())
    );
    assert!(
        error(r#"(int)XDocument.Parse("<a>x</a>").Root"#).starts_with("System.FormatException")
    );
    assert_eq!(
        run(r#"(int)XDocument.Parse("<a/>").Root.Element("b")"#),
        Err("System.ArgumentNullException: Value cannot be null. (Parameter 'element')".to_owned())
    );
    assert_eq!(
        run(r#"XDocument.Parse("<a/>").Root.Add("x")"#),
        Err("load: 'XElement' does not contain a definition for 'Add'".to_owned())
    );

    // Billion laughs: nested entity expansion is refused, quickly.
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">"));
    }
    dtd.push_str("]><lolz>&lol9;</lolz>");
    let started = std::time::Instant::now();
    let laughs = with_body(
        &format!("{DOC}.Root.Value.Length"),
        &dtd,
        ExpressionForm::Single,
    );
    assert!(
        laughs
            .as_ref()
            .unwrap_err()
            .starts_with("System.Xml.XmlException: "),
        "{laughs:?}"
    );
    assert!(started.elapsed().as_secs() < 5);

    // An entity referring to itself.
    let looped = "<!DOCTYPE a [<!ENTITY e \"&e;\">]><a>&e;</a>";
    assert!(
        with_body(&format!("{DOC}.Root.Value"), looped, ExpressionForm::Single)
            .unwrap_err()
            .starts_with("System.Xml.XmlException: ")
    );

    // Deep nesting: an exception, not a stack overflow.
    for depth in [300, 100_000] {
        let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        assert!(
            with_body(&format!("{DOC}.Root.Name"), &deep, ExpressionForm::Single)
                .unwrap_err()
                .starts_with("System.Xml.XmlException: "),
            "depth {depth}"
        );
    }
    let ok = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
    assert_eq!(
        with_body(
            &format!("{DOC}.Descendants(\"a\").Count()"),
            &ok,
            ExpressionForm::Single
        ),
        Ok("200".to_owned())
    );

    // External entities are never fetched.
    let external = "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>";
    assert!(
        with_body(
            &format!("{DOC}.Root.Value"),
            external,
            ExpressionForm::Single
        )
        .unwrap_err()
        .starts_with("System.Xml.XmlException: ")
    );
}
