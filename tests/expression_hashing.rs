//! `System.Security.Cryptography` hashing in expressions: `SHA1/256/384/512` and `MD5`
//! (`Create()`, `HashData`, `ComputeHash`), and `HMACSHA1/256/384/512`/`HMACMD5`. Expected
//! digests are the published test vectors: FIPS 180 ("abc" and the empty message) for SHA,
//! RFC 1321 for MD5, RFC 2202 for HMAC-SHA1/HMAC-MD5 and RFC 4231 for HMAC-SHA-2.

mod common;

use common::{check, run, run_form};

use apim_policy::expr::ExpressionForm;

/// `BitConverter.ToString(<bytes>).Replace("-", "").ToLowerInvariant()`.
fn hex(bytes: &str) -> String {
    format!(r#"BitConverter.ToString({bytes}).Replace("-", "").ToLowerInvariant()"#)
}

const ABC: &str = r#"Encoding.UTF8.GetBytes("abc")"#;

#[test]
fn sha_and_md5_of_abc() {
    let cases = [
        (
            format!("Convert.ToBase64String(SHA256.Create().ComputeHash({ABC}))"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
        ),
        (
            hex(&format!("SHA256.Create().ComputeHash({ABC})")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            hex(&format!("SHA1.Create().ComputeHash({ABC})")),
            "a9993e364706816aba3e25717850c26c9cd0d89d",
        ),
        (
            hex(&format!("SHA384.Create().ComputeHash({ABC})")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        ),
        (
            hex(&format!("SHA512.Create().ComputeHash({ABC})")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
        (
            hex(&format!("MD5.Create().ComputeHash({ABC})")),
            "900150983cd24fb0d6963f7d28e17f72",
        ),
        (
            hex(&format!("SHA256.HashData({ABC})")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            hex(&format!("MD5.HashData({ABC})")),
            "900150983cd24fb0d6963f7d28e17f72",
        ),
        (
            hex("new SHA256Managed().ComputeHash(Encoding.UTF8.GetBytes(\"\"))"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            hex(&format!(
                "System.Security.Cryptography.SHA1.Create().ComputeHash({ABC})"
            )),
            "a9993e364706816aba3e25717850c26c9cd0d89d",
        ),
        // ComputeHash(buffer, offset, count) hashes the slice.
        (
            hex("SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\"xabcx\"), 1, 3)"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        ("SHA512.Create().HashSize".to_owned(), "512"),
        ("MD5.Create().HashSize".to_owned(), "128"),
    ];
    for (expression, expected) in &cases {
        assert_eq!(
            run(expression),
            Ok((*expected).to_owned()),
            "expression: {expression}"
        );
    }
}

#[test]
fn hmac_test_vectors() {
    let jefe = r#"Encoding.UTF8.GetBytes("Jefe")"#;
    let data = r#"Encoding.UTF8.GetBytes("what do ya want for nothing?")"#;
    let cases = [
        (
            "HMACSHA256",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "HMACSHA384",
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
        ),
        (
            "HMACSHA512",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
        ("HMACSHA1", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ("HMACMD5", "750c783e6ab0b503eaa86e310a5db738"),
    ];
    for (class, expected) in cases {
        let expression = hex(&format!("new {class}({jefe}).ComputeHash({data})"));
        assert_eq!(run(&expression), Ok(expected.to_owned()), "{class}");
        let expression = hex(&format!("{class}.HashData({jefe}, {data})"));
        assert_eq!(
            run(&expression),
            Ok(expected.to_owned()),
            "{class}.HashData"
        );
    }
    // RFC 4231 test case 1: a 20-byte key of 0x0b.
    let rfc_case_1 = hex(&format!(
        "new HMACSHA256(Convert.FromBase64String(\"CwsLCwsLCwsLCwsLCwsLCwsLCws=\")).ComputeHash({})",
        r#"Encoding.ASCII.GetBytes("Hi There")"#
    ));
    assert_eq!(
        run(&rfc_case_1),
        Ok("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7".to_owned())
    );
    check(&[
        (
            r#"Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes("k")).Key)"#,
            "aw==",
        ),
        (
            r#"new HMACSHA1(Encoding.UTF8.GetBytes("k")).HashSize"#,
            "160",
        ),
        (r#"new HMACSHA512().Key.Length"#, "128"),
        (r#"new HMACSHA256().Key.Length"#, "64"),
    ]);
}

#[test]
fn declarations_and_type_names() {
    assert_eq!(
        run_form(
            r#"HashAlgorithm h = SHA1.Create(); HMACSHA256 m = new HMACSHA256(Encoding.UTF8.GetBytes("Jefe")); var d = m.ComputeHash(Encoding.UTF8.GetBytes("what do ya want for nothing?")); m.Dispose(); return h.ComputeHash(d).Length.ToString() + "/" + d.Length;"#,
            ExpressionForm::Block
        ),
        Ok("20/32".to_owned())
    );
    check(&[
        (
            "SHA256.Create().ToString()",
            "System.Security.Cryptography.SHA256+Implementation",
        ),
        (
            r#"new HMACSHA256(new byte[] { 1 }).ToString()"#,
            "System.Security.Cryptography.HMACSHA256",
        ),
    ]);
}

#[test]
fn argument_checks() {
    let cases = [
        (
            "SHA256.Create().ComputeHash(null)",
            "System.ArgumentNullException: Value cannot be null. (Parameter 'buffer')",
        ),
        (
            "new HMACSHA256(null)",
            "System.ArgumentNullException: Value cannot be null. (Parameter 'key')",
        ),
        (
            "SHA256.Create().ComputeHash(new byte[] { 1, 2 }, -1, 1)",
            "System.ArgumentOutOfRangeException: Non-negative number required. (Parameter 'offset')",
        ),
        (
            "SHA256.Create().ComputeHash(new byte[] { 1, 2 }, 0, 3)",
            "System.ArgumentException: Value was invalid.",
        ),
        (
            "SHA256.Create().ComputeHash(new byte[] { 1, 2 }, 2, 1)",
            "System.ArgumentException: Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.",
        ),
    ];
    for (expression, expected) in cases {
        assert_eq!(run(expression), Err(expected.to_owned()), "{expression}");
    }
    let missing = run("SHA256.Create().TransformFinalBlock(null, 0, 0)");
    assert!(
        missing
            .as_ref()
            .is_err_and(|e| e.starts_with("load: ") && e.contains("TransformFinalBlock")),
        "{missing:?}"
    );
}
