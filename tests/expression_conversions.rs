//! `Convert`, `Encoding`, `BitConverter` and `Guid` in expressions, with the values and
//! exceptions .NET 8 gives (expected values from the .NET documentation of each method).

mod common;

use common::{check, check_error};

#[test]
fn base64() {
    check(&[
        (
            r#"Convert.ToBase64String(Encoding.UTF8.GetBytes("Hello"))"#,
            "SGVsbG8=",
        ),
        (
            r#"Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass"))"#,
            "dXNlcjpwYXNz",
        ),
        (r#"Convert.ToBase64String(Encoding.UTF8.GetBytes(""))"#, ""),
        (r#"Convert.ToBase64String(new byte[] { 255, 254 })"#, "//4="),
        (
            r#"Encoding.UTF8.GetString(Convert.FromBase64String("SGVsbG8gV29ybGQ="))"#,
            "Hello World",
        ),
        (
            r#"Encoding.UTF8.GetString(Convert.FromBase64String(" SGVs\nbG8= "))"#,
            "Hello",
        ),
        (r#"Convert.FromBase64String("AAEC").Length"#, "3"),
    ]);
    let bad = "System.FormatException: The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.";
    check_error(&[
        (r#"Convert.FromBase64String("abc")"#, bad),
        (r#"Convert.FromBase64String("ab!=")"#, bad),
        (r#"Convert.FromBase64String("a===")"#, bad),
        (
            r#"Convert.FromBase64String(null)"#,
            "System.ArgumentNullException: Value cannot be null. (Parameter 's')",
        ),
    ]);
}

#[test]
fn convert_numbers_and_booleans() {
    check(&[
        (r#"Convert.ToInt32("123")"#, "123"),
        (r#"Convert.ToInt32((string)null)"#, "0"),
        ("Convert.ToInt32(2.5)", "2"),
        ("Convert.ToInt32(3.5)", "4"),
        ("Convert.ToInt32(-1.5)", "-2"),
        ("Convert.ToInt32(true)", "1"),
        ("Convert.ToInt32(7L)", "7"),
        ("Convert.ToInt32('A')", "65"),
        (r#"Convert.ToInt64("-9000000000")"#, "-9000000000"),
        (r#"Convert.ToDouble("2.5")"#, "2.5"),
        ("Convert.ToDouble(3)", "3"),
        (r#"Convert.ToBoolean("True")"#, "True"),
        (r#"Convert.ToBoolean("false")"#, "False"),
        ("Convert.ToBoolean(0)", "False"),
        ("Convert.ToBoolean(2.5)", "True"),
        ("Convert.ToString(42)", "42"),
        ("Convert.ToString(true)", "True"),
        ("Convert.ToString(1.5)", "1.5"),
        ("Convert.ToString((object)null)", ""),
        (r#"Convert.ToInt32((object)"12")"#, "12"),
    ]);
    check_error(&[
        (
            r#"Convert.ToInt32("12a")"#,
            "System.FormatException: The input string '12a' was not in a correct format.",
        ),
        (
            "Convert.ToInt32(3000000000.0)",
            "System.OverflowException: Value was either too large or too small for an Int32.",
        ),
        (
            "Convert.ToInt32(5000000000L)",
            "System.OverflowException: Value was either too large or too small for an Int32.",
        ),
        (
            r#"Convert.ToBoolean("1")"#,
            "System.FormatException: String '1' was not recognized as a valid Boolean.",
        ),
    ]);
}

#[test]
fn encodings_and_bitconverter() {
    check(&[
        (r#"Encoding.UTF8.GetBytes("é").Length"#, "2"),
        (
            r#"BitConverter.ToString(Encoding.UTF8.GetBytes("é"))"#,
            "C3-A9",
        ),
        (
            r#"BitConverter.ToString(Encoding.ASCII.GetBytes("aé"))"#,
            "61-3F",
        ),
        (
            r#"BitConverter.ToString(Encoding.Unicode.GetBytes("A"))"#,
            "41-00",
        ),
        (
            r#"BitConverter.ToString(new byte[] { 1, 171, 255 })"#,
            "01-AB-FF",
        ),
        (r#"BitConverter.ToString(new byte[0] { })"#, ""),
        (
            r#"Encoding.ASCII.GetString(new byte[] { 72, 105, 200 })"#,
            "Hi?",
        ),
        (
            r#"Encoding.Unicode.GetString(new byte[] { 72, 0, 105, 0 })"#,
            "Hi",
        ),
        (
            r#"Encoding.UTF8.GetString(new byte[] { 0x61, 0xFF })"#,
            "a\u{FFFD}",
        ),
        (
            r#"Encoding.UTF8.ToString()"#,
            "System.Text.UTF8Encoding+UTF8EncodingSealed",
        ),
    ]);
}

#[test]
fn guids() {
    check(&[
        (
            "Guid.Empty.ToString()",
            "00000000-0000-0000-0000-000000000000",
        ),
        (
            r#"Guid.Parse("{0F8FAD5B-D9CB-469F-A165-70867728950E}").ToString()"#,
            "0f8fad5b-d9cb-469f-a165-70867728950e",
        ),
        (
            r#"Guid.Parse("0f8fad5bd9cb469fa16570867728950e").ToString("D")"#,
            "0f8fad5b-d9cb-469f-a165-70867728950e",
        ),
        (
            r#"Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e").ToString("N")"#,
            "0f8fad5bd9cb469fa16570867728950e",
        ),
        (
            r#"Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e").ToString("B")"#,
            "{0f8fad5b-d9cb-469f-a165-70867728950e}",
        ),
        (
            r#"Guid.Parse("(0f8fad5b-d9cb-469f-a165-70867728950e)").ToString("P")"#,
            "(0f8fad5b-d9cb-469f-a165-70867728950e)",
        ),
        (
            r#"Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e").ToString("X")"#,
            "{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}",
        ),
        ("Guid.NewGuid().ToString().Length", "36"),
        ("Guid.NewGuid().ToString()[14]", "4"),
        ("Guid.NewGuid() != Guid.NewGuid()", "True"),
        (
            r#"string.Format("{0:N}", Guid.Empty)"#,
            "00000000000000000000000000000000",
        ),
    ]);
    check_error(&[
        (
            r#"Guid.Parse("not-a-guid")"#,
            "System.FormatException: Unrecognized Guid format.",
        ),
        (
            r#"Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950z")"#,
            "System.FormatException: Guid string should only contain hexadecimal characters.",
        ),
        (
            r#"Guid.Empty.ToString("Q")"#,
            "System.FormatException: Format string can be only \"D\", \"d\", \"N\", \"n\", \"P\", \"p\", \"B\", \"b\", \"X\" or \"x\".",
        ),
    ]);
}

#[test]
fn hex_and_bases() {
    check(&[
        (
            r#"Convert.ToHexString(new byte[] { 1, 171, 255 })"#,
            "01ABFF",
        ),
        (r#"Convert.FromHexString("01abFF").Length"#, "3"),
        (
            r#"BitConverter.ToString(Convert.FromHexString("01abFF"))"#,
            "01-AB-FF",
        ),
        ("Convert.ToString(255, 16)", "ff"),
        ("Convert.ToString(5, 2)", "101"),
        ("Convert.ToString(-1, 16)", "ffffffff"),
        ("Convert.ToString(8, 8)", "10"),
    ]);
    check_error(&[
        (
            r#"Convert.FromHexString("abc")"#,
            "System.FormatException: The input is not a valid hex string as its length is not a multiple of 2.",
        ),
        (
            r#"Convert.FromHexString("zz")"#,
            "System.FormatException: The input is not a valid hex string as it contains a non-hex character.",
        ),
        (
            "Convert.ToString(5, 3)",
            "System.ArgumentException: Invalid Base. (Parameter 'toBase')",
        ),
    ]);
}

/// `System.Object`'s members on every value: `ToString()` (each type's own .NET text),
/// `Equals(object)` (value equality for value types and strings, false across types or with
/// null), `GetHashCode()` (Int32's is the value, Boolean's 1/0) and `GetType()`.
#[test]
fn object_members_on_every_value() {
    check(&[
        ("((object)5).ToString()", "5"),
        ("((object)\"abc\").ToString()", "abc"),
        ("((object)true).ToString()", "True"),
        ("((object)2.5).ToString()", "2.5"),
        ("((object)'x').ToString()", "x"),
        ("new byte[] { 1 }.ToString()", "System.Byte[]"),
        ("TimeSpan.FromMinutes(90).ToString()", "01:30:00"),
        ("DayOfWeek.Monday.ToString()", "Monday"),
        ("(5).Equals(5)", "True"),
        ("(5).Equals(6)", "False"),
        ("((object)5).Equals(5)", "True"),
        ("((object)5).Equals(5L)", "False"),
        ("((object)5).Equals(null)", "False"),
        ("\"a\".Equals((object)\"a\")", "True"),
        ("((object)\"a\").Equals(\"A\")", "False"),
        ("double.NaN.Equals(double.NaN)", "True"),
        ("Guid.Empty.Equals(Guid.Empty)", "True"),
        ("TimeSpan.Zero.Equals(TimeSpan.FromSeconds(0))", "True"),
        ("(42).GetHashCode()", "42"),
        ("(-1).GetHashCode()", "-1"),
        ("true.GetHashCode()", "1"),
        ("false.GetHashCode()", "0"),
        ("\"abc\".GetHashCode() == \"abc\".GetHashCode()", "True"),
        ("(5).GetType().Name", "Int32"),
        ("(5).GetType().FullName", "System.Int32"),
        ("(5L).GetType().Name", "Int64"),
        ("\"s\".GetType().FullName", "System.String"),
        ("true.GetType().Name", "Boolean"),
        ("2.5.GetType().Name", "Double"),
        ("'c'.GetType().Name", "Char"),
        ("DateTime.MinValue.GetType().FullName", "System.DateTime"),
        ("Guid.Empty.GetType().Name", "Guid"),
        ("TimeSpan.Zero.GetType().Name", "TimeSpan"),
        ("DayOfWeek.Friday.GetType().FullName", "System.DayOfWeek"),
        ("new byte[] { 1 }.GetType().Name", "Byte[]"),
        ("\"a,b\".Split(',').GetType().FullName", "System.String[]"),
        ("((object)5).GetType() == typeof(int)", "True"),
        ("((object)5).GetType().Namespace", "System"),
    ]);
    check_error(&[(
        "((object)null).ToString()",
        "System.NullReferenceException: Object reference not set to an instance of an object.",
    )]);
}

/// `BitConverter` on the little-endian machines .NET runs on.
#[test]
fn bit_converter_bytes() {
    check(&[
        ("BitConverter.IsLittleEndian", "True"),
        (
            "BitConverter.ToString(BitConverter.GetBytes(1))",
            "01-00-00-00",
        ),
        (
            "BitConverter.ToString(BitConverter.GetBytes(-2))",
            "FE-FF-FF-FF",
        ),
        (
            "BitConverter.ToString(BitConverter.GetBytes(258L))",
            "02-01-00-00-00-00-00-00",
        ),
        ("BitConverter.ToString(BitConverter.GetBytes(true))", "01"),
        ("BitConverter.ToString(BitConverter.GetBytes('A'))", "41-00"),
        (
            "BitConverter.ToString(BitConverter.GetBytes(1.0))",
            "00-00-00-00-00-00-F0-3F",
        ),
        ("BitConverter.ToInt32(new byte[] { 1, 2, 0, 0 }, 0)", "513"),
        (
            "BitConverter.ToInt32(new byte[] { 0, 0xFF, 0xFF, 0xFF, 0xFF }, 1)",
            "-1",
        ),
        (
            "BitConverter.ToInt64(BitConverter.GetBytes(1234567890123L), 0)",
            "1234567890123",
        ),
        (
            "BitConverter.ToDouble(BitConverter.GetBytes(0.5), 0)",
            "0.5",
        ),
        ("BitConverter.ToBoolean(new byte[] { 0, 2 }, 1)", "True"),
    ]);
    check_error(&[
        (
            "BitConverter.ToInt32(new byte[] { 1, 2, 3 }, 0)",
            "System.ArgumentException: Destination array is not long enough to copy all the items in the collection. Check array index and length. (Parameter 'value')",
        ),
        (
            "BitConverter.ToInt32(new byte[] { 1, 2, 3, 4 }, 4)",
            "System.ArgumentOutOfRangeException: Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'startIndex')",
        ),
    ]);
}
